// A 1-D or 2-D grid of cell centres for density plots and the grid's total mass
// (midpoint rule). Column k of a 2-D grid is (x0 index k % points, x1 index
// k / points): x0 varies fastest.
#pragma once

#include <optional>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville::host {

struct DensityGrid {
  Matrix points;  // dim x points^dim
  Vector low;
  Vector high;
  long points_per_dim = 0;
  double cell_volume = 1;
};

// The box is [range[0], range[1]] in every dimension, or by default the data's
// range widened by three standard deviations.
DensityGrid make_density_grid(const Matrix& data, long points_per_dim,
                              const std::optional<std::vector<double>>& range = std::nullopt);

// Per-dimension mean and standard deviation of the columns.
std::pair<Vector, Vector> column_moments(const Matrix& samples);

}  // namespace liouville::host
