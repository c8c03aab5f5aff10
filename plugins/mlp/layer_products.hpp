// The matrix products of a dense layer over a batch block. Each runs on the
// CPU's wide vector unit when it has one (vector_gemm.hpp), on Eigen's GEMM
// otherwise, except for a weight of a few entries (the 1-D seed network),
// where a few passes along the batch are faster than any GEMM.
#pragma once

#include "liouville/core/types.hpp"

namespace liouville::mlp {

// A layer's row scaling s (concatsquash's gate; null: none) and bias b (null:
// none), added to the first `bias_cols` columns only (the values, not their
// tangents).
struct RowAffine {
  const Scalar* scale = nullptr;
  const Scalar* bias = nullptr;
  Index bias_cols = 0;
};

// a = diag(s) w x + b 1^T on the first bias_cols columns.
void multiply(ConstMatrixRef w, ConstMatrixRef x, const RowAffine& affine, MatrixRef a);

// g = (diag(s) w)^T c, with s = row_scale (null: 1).
void multiply_transposed(ConstMatrixRef w, const Scalar* row_scale, ConstMatrixRef c, MatrixRef g);

// o = c x^T, or o += c x^T when `accumulate`.
void outer_product(ConstMatrixRef c, ConstMatrixRef x, MatrixRef o, bool accumulate);

// s = c 1, the sum of the columns of c (the bias gradient).
void sum_columns(ConstMatrixRef c, VectorRef s);

}  // namespace liouville::mlp
