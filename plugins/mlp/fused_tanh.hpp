// tanh of a block with its first two derivatives in one pass, vectorized
// (Eigen 3.4 and libm evaluate tanh of doubles one at a time).
#pragma once

#include "liouville/core/types.hpp"

namespace liouville::mlp {

// On entry a[i] is a pre-activation with |a[i]| <= 20 or NaN (tanh(20) rounds
// to 1); on exit a[i] = y = tanh(a[i]), within 3 ulp (NaN stays NaN). When given
// (d2 requires d1): d1[i] = tanh' = 1 - y^2 and d2[i] = tanh'' = -2 y tanh'.
void fused_tanh(Scalar* a, Scalar* d1, Scalar* d2, Index size);

}  // namespace liouville::mlp
