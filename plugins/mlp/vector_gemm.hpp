// Dense matrix products on the CPU's widest vector unit with fused multiply-add,
// chosen when the library is loaded: AVX-512 or AVX2 on x86-64, so one build
// runs on any x86-64 machine and still uses the wide units where they exist
// (Eigen's own kernels are fixed at compile time, to SSE2 for a portable build).
//
//   C = P   or   C += P,   P = diag(row_scale) A B + row_shift 1^T on the first shift_cols columns,
//
// A rows x depth, column-major with an outer stride; B depth x cols, read as
// B(p, j) = b[p b_row_stride + j b_col_stride], so that B may be a matrix
// (strides 1, ld) or the transpose of one (ld, 1); C rows x cols, column-major.
// The scale and shift (a layer's concatsquash gate and bias) are applied as C
// leaves the registers, saving passes over C.
// The kernel keeps a block of C in registers (a few vectors of rows by up to
// six columns) and runs the depth in slices that keep A's columns in L1.
#pragma once

#include "liouville/core/types.hpp"

namespace liouville::mlp {

enum class VectorUnit { kNone, kAvx2, kAvx512 };

// The widest unit this CPU (and its operating system) supports.
VectorUnit best_vector_unit();

struct GemmOperands {
  Index rows = 0;
  Index cols = 0;
  Index depth = 0;
  const Scalar* a = nullptr;
  Index a_stride = 0;
  const Scalar* b = nullptr;
  Index b_row_stride = 0;
  Index b_col_stride = 0;
  Scalar* c = nullptr;
  Index c_stride = 0;
  bool accumulate = false;            // C += P instead of C = P
  const Scalar* row_scale = nullptr;  // rows entries; none: 1
  const Scalar* row_shift = nullptr;  // rows entries; none: 0
  Index shift_cols = 0;               // the columns row_shift is added to
};

// Computes the product on `unit` (which the CPU must support). Returns false,
// touching nothing, for VectorUnit::kNone: the caller then uses Eigen.
bool vector_gemm(VectorUnit unit, const GemmOperands& operands);

}  // namespace liouville::mlp
