#include "tangent_passes.hpp"

#include "vector_clones.hpp"

namespace liouville::mlp {

LIOUVILLE_MLP_VECTOR_CLONES void carry_tangents(const Scalar* d1, const Scalar* d2, Scalar* tangents,
                                                Scalar* curvature, Index size, Index blocks) {
  for (Index b = 0; b < blocks; ++b) {
    Scalar* tangent = tangents + b * size;
    if (curvature) {
      Scalar* curve = curvature + b * size;
      for (Index i = 0; i < size; ++i) {
        curve[i] = d2[i] * tangent[i];
        tangent[i] *= d1[i];
      }
    } else {
      for (Index i = 0; i < size; ++i) tangent[i] *= d1[i];
    }
  }
}

LIOUVILLE_MLP_VECTOR_CLONES void reverse_tangents(const Scalar* d1, const Scalar* curvature, Scalar* a_bar,
                                                  Scalar* tangent_bars, Index size, Index blocks) {
  for (Index i = 0; i < size; ++i) a_bar[i] *= d1[i];
  for (Index b = 0; b < blocks; ++b) {
    Scalar* tangent_bar = tangent_bars + b * size;
    const Scalar* curve = curvature + b * size;
    for (Index i = 0; i < size; ++i) {
      a_bar[i] += tangent_bar[i] * curve[i];
      tangent_bar[i] *= d1[i];
    }
  }
}

}  // namespace liouville::mlp
