#include "layer_products.hpp"

namespace liouville::mlp {
namespace {

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
    a.noalias() = w * x;
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
    g.noalias() = w.transpose() * c;
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
