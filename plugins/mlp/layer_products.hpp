// The matrix products of a dense layer over a batch block. Each runs on the
// CPU's wide vector unit when it has one (vector_gemm.hpp), on Eigen's GEMM
// otherwise, except for a weight of a few entries (the 1-D seed network),
// where a few passes along the batch are faster than any GEMM.
#pragma once

#include "liouville/core/types.hpp"

namespace liouville::mlp {

// a = w x.
void multiply(ConstMatrixRef w, ConstMatrixRef x, MatrixRef a);

// g = w^T c.
void multiply_transposed(ConstMatrixRef w, ConstMatrixRef c, MatrixRef g);

// w_bar += c x^T.
void accumulate_outer(ConstMatrixRef c, ConstMatrixRef x, MatrixRef w_bar);

// s = c 1, the sum of the columns of c (the bias gradient).
void sum_columns(ConstMatrixRef c, VectorRef s);

}  // namespace liouville::mlp
