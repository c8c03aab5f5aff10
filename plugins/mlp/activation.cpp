#include "activation.hpp"

#include "fused_tanh.hpp"
#include "liouville/core/errors.hpp"

namespace liouville::mlp {

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {"tanh", "softplus", "relu",    "sigmoid",
                                                 "elu",  "swish",    "identity"};
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

void activate(Activation activation, Eigen::Map<Matrix> a, Eigen::Map<Matrix>* d1, Eigen::Map<Matrix>* d2) {
  auto x = a.array();
  switch (activation) {
    case Activation::kTanh:
      // One fused pass (see fused_tanh.hpp) after a clamp, which keeps NaN:
      // Eigen's max and min return the array operand then. (Inside the fused
      // loop the clamp would stop the baseline build from vectorizing it.)
      x = x.max(-20.0).min(20.0);
      fused_tanh(a.data(), d1 ? d1->data() : nullptr, d2 ? d2->data() : nullptr, a.size());
      return;
    case Activation::kSigmoid:
      // s' = y (1 - y), s'' = s' (1 - 2 y).
      x = (1.0 + (-x).exp()).inverse();
      if (d1) d1->array() = x * (1.0 - x);
      if (d2) d2->array() = d1->array() * (1.0 - 2.0 * x);
      return;
    case Activation::kSoftplus:
      // softplus' = sigmoid s, softplus'' = s (1 - s); log(1 + e^a) written without overflow.
      if (d1) d1->array() = (1.0 + (-x).exp()).inverse();
      if (d2) d2->array() = d1->array() * (1.0 - d1->array());
      x = x.max(0.0) + (-x.abs()).exp().log1p();
      return;
    case Activation::kRelu:
      if (d1) d1->array() = (x > 0.0).cast<Scalar>();
      if (d2) d2->setZero();
      x = x.max(0.0);
      return;
    case Activation::kElu:
      // elu(a) = a for a > 0, e^a - 1 otherwise (alpha = 1).
      if (d1) d1->array() = (x > 0.0).select(1.0, x.exp());
      if (d2) d2->array() = (x > 0.0).select(0.0, d1->array());
      x = (x > 0.0).select(x, x.expm1());
      return;
    case Activation::kSwish:
      // swish(a) = a s(a): swish' = s + y (1 - s), swish'' = s (1 - s) (2 + a (1 - 2 s)).
      if (!d1) {
        x = x * (1.0 + (-x).exp()).inverse();
        return;
      }
      d1->array() = (1.0 + (-x).exp()).inverse();
      if (d2) d2->array() = d1->array() * (1.0 - d1->array()) * (2.0 + x * (1.0 - 2.0 * d1->array()));
      x = x * d1->array();
      d1->array() += x * (1.0 - d1->array());
      return;
    case Activation::kIdentity:
      if (d1) d1->setOnes();
      if (d2) d2->setZero();
      return;
  }
}

}  // namespace liouville::mlp
