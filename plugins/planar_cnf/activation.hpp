// The pointwise nonlinearities of planar_cnf (the units' h and the gates'
// activation) with their first and second derivatives.
#pragma once

#include <string>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville::planar_cnf {

enum class Activation { kTanh, kSoftplus, kSigmoid, kRelu };

// The configuration names, in the order of the enumeration.
const std::vector<std::string>& activation_names();

// The activation called `name`; throws ConfigError naming `where` otherwise.
Activation parse_activation(const std::string& name, const std::string& where);

// value = sigma(a), then d1 = sigma'(a) when order >= 1 and d2 = sigma''(a)
// when order >= 2 (blocks of a's shape; unused ones may be empty). relu's
// second derivative is taken as 0 everywhere (its kink at 0 has none).
void activate(Activation activation, ConstMatrixRef a, MatrixRef value, MatrixRef d1, MatrixRef d2, int order);

}  // namespace liouville::planar_cnf
