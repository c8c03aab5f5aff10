#include "activation.hpp"

#include "liouville/core/errors.hpp"

namespace liouville::planar_cnf {

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {"tanh", "softplus", "sigmoid", "relu"};
  return names;
}

Activation parse_activation(const std::string& name, const std::string& where) {
  const auto& names = activation_names();
  std::string known;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<Activation>(i);
    known += (i == 0 ? "" : ", ") + names[i];
  }
  throw ConfigError(where + ": unknown activation '" + name + "' (one of " + known + ")");
}

void activate(Activation activation, ConstMatrixRef a, MatrixRef value, MatrixRef d1, MatrixRef d2, int order) {
  const auto x = a.array();
  auto y = value.array();
  switch (activation) {
    case Activation::kTanh:
      // tanh' = 1 - y^2, tanh'' = -2 y tanh'.
      y = x.tanh();
      if (order >= 1) d1.array() = 1.0 - y.square();
      if (order >= 2) d2.array() = -2.0 * y * d1.array();
      return;
    case Activation::kSoftplus:
      // softplus' = sigmoid s, softplus'' = s (1 - s); log(1 + e^a) written without overflow.
      y = x.max(0.0) + (-x.abs()).exp().log1p();
      if (order >= 1) d1.array() = (1.0 + (-x).exp()).inverse();
      if (order >= 2) d2.array() = d1.array() * (1.0 - d1.array());
      return;
    case Activation::kSigmoid:
      // s' = y (1 - y), s'' = s' (1 - 2 y).
      y = (1.0 + (-x).exp()).inverse();
      if (order >= 1) d1.array() = y * (1.0 - y);
      if (order >= 2) d2.array() = d1.array() * (1.0 - 2.0 * y);
      return;
    case Activation::kRelu:
      y = x.max(0.0);
      if (order >= 1) d1.array() = (x > 0.0).cast<Scalar>();
      if (order >= 2) d2.setZero();
      return;
  }
}

}  // namespace liouville::planar_cnf
