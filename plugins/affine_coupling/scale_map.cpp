#include "scale_map.hpp"

#include "liouville/core/errors.hpp"

namespace liouville::coupling {

const std::vector<std::string>& scale_map_names() {
  static const std::vector<std::string> names{"exp", "exp_tanh", "sigmoid"};
  return names;
}

ScaleMap parse_scale_map(const std::string& name, const std::string& where) {
  const auto& names = scale_map_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<ScaleMap>(i);
  throw ConfigError(where + ": unknown scale map '" + name + "' (one of exp, exp_tanh, sigmoid)");
}

void log_scale(ScaleMap map, const Matrix& raw, Matrix& log_scale, Matrix* slope) {
  switch (map) {
    case ScaleMap::kExp:
      log_scale = raw;
      if (slope) slope->setOnes(raw.rows(), raw.cols());
      return;
    case ScaleMap::kExpTanh:
      log_scale = raw.array().tanh();
      if (slope) *slope = 1.0 - log_scale.array().square();
      return;
    case ScaleMap::kSigmoid: {
      // log sigmoid(u) = -softplus(-u) = min(u, 0) - log1p(e^{-|u|});  d/du = 1 - sigmoid(u) = sigmoid(-u).
      const Eigen::ArrayXXd u = raw.array() + 2.0;
      log_scale = u.cwiseMin(0.0) - (-u.abs()).exp().log1p();
      if (slope) *slope = 1.0 / (1.0 + u.exp());
      return;
    }
  }
}

}  // namespace liouville::coupling
