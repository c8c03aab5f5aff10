// Pointwise activations of the mlp plugin with their first and second
// derivatives, applied in place to a whole block of pre-activations.
#pragma once

#include <string>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville::mlp {

enum class Activation { kTanh, kSoftplus, kRelu, kSigmoid, kElu, kSwish, kIdentity };

// The configuration names, in the order of the enumeration.
const std::vector<std::string>& activation_names();

// The activation called `name`; throws ConfigError naming `where` otherwise.
Activation parse_activation(const std::string& name, const std::string& where);

// On entry `a` holds pre-activations, on exit a = sigma(a). When given, d1
// receives sigma'(a) and d2 sigma''(a) (d2 requires d1), each the shape of a.
// relu's second derivative is taken as 0 everywhere (its kink at 0 has none);
// elu's jumps from 1 to 0 at 0.
void activate(Activation activation, Eigen::Map<Matrix> a, Eigen::Map<Matrix>* d1, Eigen::Map<Matrix>* d2);

}  // namespace liouville::mlp
