// Tangents through a pointwise activation x = sigma(a) and back, as plain loops
// over whole blocks (vector_clones.hpp). A layer's k tangent blocks lie side by
// side, each `size` entries, the shape of sigma'(a) and sigma''(a).
#pragma once

#include "liouville/core/types.hpp"

namespace liouville::mlp {

// Forward: for each block b, curvature_b = sigma''(a) .* adot_b (when curvature
// is not null; d2 is then sigma''(a)) and tangent_b = sigma'(a) .* adot_b, in place.
void carry_tangents(const Scalar* d1, const Scalar* d2, Scalar* tangents, Scalar* curvature, Index size,
                    Index blocks);

// Reverse, given the cotangents x_bar (in a_bar) and xdot_bar_b (in tangent_bars):
//   a_bar = x_bar .* sigma'(a) + sum_b xdot_bar_b .* curvature_b,   tangent_bar_b = xdot_bar_b .* sigma'(a).
void reverse_tangents(const Scalar* d1, const Scalar* curvature, Scalar* a_bar, Scalar* tangent_bars, Index size,
                      Index blocks);

}  // namespace liouville::mlp
