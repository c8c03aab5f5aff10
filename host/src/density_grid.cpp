#include "density_grid.hpp"

namespace liouville::host {

std::pair<Vector, Vector> column_moments(const Matrix& samples) {
  const Vector mean = samples.rowwise().mean();
  const Matrix centered = samples.colwise() - mean;
  const Vector std_dev =
      (centered.array().square().rowwise().sum() / std::max<double>(1.0, samples.cols() - 1.0)).sqrt();
  return {mean, std_dev};
}

DensityGrid make_density_grid(const Matrix& data, long points_per_dim,
                              const std::optional<std::vector<double>>& range) {
  const Index dim = data.rows();
  DensityGrid grid;
  grid.points_per_dim = points_per_dim;
  grid.low.resize(dim);
  grid.high.resize(dim);
  const auto [mean, std_dev] = column_moments(data);
  for (Index i = 0; i < dim; ++i) {
    grid.low[i] = range ? (*range)[0] : data.row(i).minCoeff() - 3 * std_dev[i];
    grid.high[i] = range ? (*range)[1] : data.row(i).maxCoeff() + 3 * std_dev[i];
  }
  const Index cells = dim == 1 ? points_per_dim : points_per_dim * points_per_dim;
  const auto n = static_cast<double>(points_per_dim);
  grid.points.resize(dim, cells);
  for (Index i = 0; i < dim; ++i) grid.cell_volume *= (grid.high[i] - grid.low[i]) / n;
  for (Index k = 0; k < cells; ++k)
    for (Index i = 0; i < dim; ++i) {
      const Index index = i == 0 ? k % points_per_dim : k / points_per_dim;
      grid.points(i, k) = grid.low[i] + (grid.high[i] - grid.low[i]) * (static_cast<double>(index) + 0.5) / n;
    }
  return grid;
}

}  // namespace liouville::host
