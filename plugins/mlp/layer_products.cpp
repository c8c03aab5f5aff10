#include "layer_products.hpp"

#include "vector_gemm.hpp"

namespace liouville::mlp {
namespace {

const VectorUnit kVectorUnit = best_vector_unit();

// out (+)= diag(s) a B + bias with B(p, j) = b[p b_row_stride + j b_col_stride].
GemmOperands product(ConstMatrixRef a, const Scalar* b, Index b_row_stride, Index b_col_stride, MatrixRef out,
                     bool accumulate, const RowAffine& affine = {}) {
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
          .accumulate = accumulate,
          .row_scale = affine.scale,
          .row_shift = affine.bias,
          .shift_cols = affine.bias_cols};
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

void multiply(ConstMatrixRef w, ConstMatrixRef x, const RowAffine& affine, MatrixRef a) {
  if (w.size() > kSmallWeight &&
      vector_gemm(kVectorUnit, product(w, x.data(), 1, x.outerStride(), a, false, affine)))
    return;
  if (w.size() > kSmallWeight) {
    a.noalias() = w * x;
  } else {
    // Row i of a = sum_k w(i, k) x.row(k).
    for (Index i = 0; i < w.rows(); ++i) {
      a.row(i) = w(i, 0) * x.row(0);
      for (Index k = 1; k < w.cols(); ++k) a.row(i) += w(i, k) * x.row(k);
    }
  }
  if (affine.scale) a = Eigen::Map<const Vector>(affine.scale, a.rows()).asDiagonal() * a;
  if (affine.bias) a.leftCols(affine.bias_cols).colwise() += Eigen::Map<const Vector>(affine.bias, a.rows());
}

void multiply_transposed(ConstMatrixRef w, const Scalar* row_scale, ConstMatrixRef c, MatrixRef g) {
  if (w.size() > kSmallWeight) {
    // The kernel reads A by columns: those of (diag(s) w)^T, copied once per
    // call (a weight is small beside its product with a batch) into a buffer
    // that only grows.
    thread_local Vector buffer;
    if (buffer.size() < w.size()) buffer.resize(w.size());
    Eigen::Map<Matrix> w_transposed(buffer.data(), w.cols(), w.rows());
    if (row_scale)
      w_transposed = (Eigen::Map<const Vector>(row_scale, w.rows()).asDiagonal() * w).transpose();
    else
      w_transposed = w.transpose();
    if (!vector_gemm(kVectorUnit, product(w_transposed, c.data(), 1, c.outerStride(), g, false)))
      g.noalias() = w_transposed * c;
    return;
  }
  // Row i of g = sum_k s_k w(k, i) c.row(k).
  for (Index i = 0; i < w.cols(); ++i) {
    g.row(i).setZero();
    for (Index k = 0; k < w.rows(); ++k) g.row(i) += (row_scale ? row_scale[k] : 1.0) * w(k, i) * c.row(k);
  }
}

void outer_product(ConstMatrixRef c, ConstMatrixRef x, MatrixRef o, bool accumulate) {
  if (c.cols() == 0) {  // an empty batch: its data pointers may be null
    if (!accumulate) o.setZero();
    return;
  }
  if (o.size() > kSmallWeight) {
    // B = x^T: B(p, j) = x(j, p).
    if (vector_gemm(kVectorUnit, product(c, x.data(), x.outerStride(), 1, o, accumulate))) return;
    if (accumulate)
      o.noalias() += c * x.transpose();
    else
      o.noalias() = c * x.transpose();
    return;
  }
  for (Index k = 0; k < o.cols(); ++k)
    for (Index i = 0; i < o.rows(); ++i) {
      const Scalar sum = strided_dot(c.data() + i, c.outerStride(), x.data() + k, x.outerStride(), c.cols());
      o(i, k) = accumulate ? o(i, k) + sum : sum;
    }
}

void sum_columns(ConstMatrixRef c, VectorRef s) {
  if (c.cols() == 0) {  // an empty batch: its data pointer may be null
    s.setZero();
    return;
  }
  if (c.rows() > kSmallWeight) {
    s.noalias() = c.rowwise().sum();
    return;
  }
  const Scalar one = 1;
  for (Index i = 0; i < c.rows(); ++i) s[i] = strided_dot(c.data() + i, c.outerStride(), &one, 0, c.cols());
}

}  // namespace liouville::mlp
