// Distribution: a base density p_z with sampling (standard normal first).
#pragma once

#include <string_view>

#include "liouville/core/component.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/core/types.hpp"

namespace liouville {

class Distribution : public Component {
 public:
  static constexpr std::string_view kInterface = "Distribution";

  virtual Index dim() const = 0;
  virtual void log_density(ConstMatrixRef z, VectorRef log_p) const = 0;
  // gradient(:, j) = d log p(z_j) / d z_j
  virtual void log_density_gradient(ConstMatrixRef z, MatrixRef gradient) const = 0;
  virtual void sample(Rng& rng, MatrixRef z) const = 0;
};

}  // namespace liouville
