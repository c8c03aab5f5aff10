#include "layer_products.hpp"

#include "vector_gemm.hpp"

namespace liouville::mlp {
namespace {

const VectorUnit kVectorUnit = best_vector_unit();

// out (+)= a B with B(p, j) = b[p b_row_stride + j b_col_stride].
GemmOperands product(ConstMatrixRef a, const Scalar* b, Index b_row_stride, Index b_col_stride, MatrixRef out,
                     bool accumulate) {
  return {.rows = out.rows(),
          .cols = out.cols(),
          .depth = a.cols(),
          .a = a.data(),
          .a_stride = a.outerStride(),
          .b = b,
          .b_row_stride = b_row_stride,
          .b_col_stride = b_col_stride,
          .c = out.data(),
          .c_stride = out.outerStride(),
          .accumulate = accumulate};
}

// A weight of at most this many entries is small: its products run as a few
// passes along the batch, one per weight entry.
constexpr Index kSmallWeight = 16;

// sum_j a[j a_stride] b[j b_stride] with four partial sums, so that the
// additions overlap instead of each waiting for the previous one.
Scalar strided_dot(const Scalar* a, Index a_stride, const Scalar* b, Index b_stride, Index size) {
  Scalar partial[4] = {0, 0, 0, 0};
  Index j = 0;
  for (; j + 4 <= size; j += 4)
    for (int p = 0; p < 4; ++p) partial[p] += a[(j + p) * a_stride] * b[(j + p) * b_stride];
  for (; j < size; ++j) partial[0] += a[j * a_stride] * b[j * b_stride];
  return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}

}  // namespace

void multiply(ConstMatrixRef w, ConstMatrixRef x, MatrixRef a) {
  if (w.size() > kSmallWeight) {
    if (!vector_gemm(kVectorUnit, product(w, x.data(), 1, x.outerStride(), a, false))) a.noalias() = w * x;
    return;
  }
  // Row i of a = sum_k w(i, k) x.row(k).
  for (Index i = 0; i < w.rows(); ++i) {
    a.row(i) = w(i, 0) * x.row(0);
    for (Index k = 1; k < w.cols(); ++k) a.row(i) += w(i, k) * x.row(k);
  }
}

void multiply_transposed(ConstMatrixRef w, ConstMatrixRef c, MatrixRef g) {
  if (w.size() > kSmallWeight) {
    if (kVectorUnit == VectorUnit::kNone) {
      g.noalias() = w.transpose() * c;
      return;
    }
    // The kernel reads A by columns: those of w^T, copied once per call (a
    // weight is small beside its product with a batch).
    thread_local Matrix w_transposed;
    w_transposed = w.transpose();
    vector_gemm(kVectorUnit, product(w_transposed, c.data(), 1, c.outerStride(), g, false));
    return;
  }
  // Row i of g = sum_k w(k, i) c.row(k).
  for (Index i = 0; i < w.cols(); ++i) {
    g.row(i) = w(0, i) * c.row(0);
    for (Index k = 1; k < w.rows(); ++k) g.row(i) += w(k, i) * c.row(k);
  }
}

void accumulate_outer(ConstMatrixRef c, ConstMatrixRef x, MatrixRef w_bar) {
  if (w_bar.size() > kSmallWeight) {
    // B = x^T: B(p, j) = x(j, p).
    if (!vector_gemm(kVectorUnit, product(c, x.data(), x.outerStride(), 1, w_bar, true)))
      w_bar.noalias() += c * x.transpose();
    return;
  }
  for (Index k = 0; k < w_bar.cols(); ++k)
    for (Index i = 0; i < w_bar.rows(); ++i)
      w_bar(i, k) += strided_dot(c.data() + i, c.outerStride(), x.data() + k, x.outerStride(), c.cols());
}

void sum_columns(ConstMatrixRef c, VectorRef s) {
  if (c.rows() > kSmallWeight) {
    s.noalias() = c.rowwise().sum();
    return;
  }
  const Scalar one = 1;
  for (Index i = 0; i < c.rows(); ++i) s[i] = strided_dot(c.data() + i, c.outerStride(), &one, 0, c.cols());
}

}  // namespace liouville::mlp
