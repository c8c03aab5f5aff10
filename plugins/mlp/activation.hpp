// Pointwise activations of the mlp plugin with their first and second
// derivatives, applied in place to a whole block of pre-activations, and the
// propagation of tangents through them.
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

// Tangents through x = sigma(a): `tangents` holds k blocks adot_1 .. adot_k the
// shape of d1 side by side; on exit block b is sigma'(a) .* adot_b and, when
// given, block b of `curvature` is sigma''(a) .* adot_b (the term the reverse
// mode of the tangent needs).
void propagate_tangents(const Eigen::Map<Matrix>& d1, const Eigen::Map<Matrix>* d2, Eigen::Map<Matrix> tangents,
                        Eigen::Map<Matrix>* curvature);

}  // namespace liouville::mlp
