// tanh of a block with its derivatives and tangent propagation in one pass,
// vectorized (Eigen 3.4 and libm evaluate tanh of doubles one at a time).
#pragma once

#include "liouville/core/types.hpp"

namespace liouville::mlp {

// On entry a[i] is a pre-activation with |a[i]| <= 20 or NaN (tanh(20) rounds
// to 1) and tangent[i] its tangent; on exit a[i] = y = tanh(a[i]), within 3 ulp
// (NaN stays NaN). When given (tangent requires d1, curvature requires tangent):
// d1[i] = tanh' = 1 - y^2, curvature[i] = tanh'' tangent[i] with tanh'' = -2 y tanh',
// then tangent[i] *= tanh'.
void fused_tanh(Scalar* a, Scalar* tangent, Scalar* d1, Scalar* curvature, Index size);

}  // namespace liouville::mlp
