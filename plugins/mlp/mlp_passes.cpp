// The passes of the mlp: evaluation, forward mode (f, J v), the divergence,
// reverse mode J^T f_bar and the reverse modes of (f, J v) and (f, div). With k
// tangents, the values and tangents of a layer sit side by side in one
// out x (1 + k) batch block [x, xdot_1, ..., xdot_k], so one matrix product per
// layer serves them all: W [x, xdot_1, ...] = [W x, W xdot_1, ...]. The
// divergence takes the k = dim unit tangents e_i at once:
// div f = sum_i (J e_i)_i.
#include <utility>

#include "mlp.hpp"
#include "tangent_passes.hpp"

namespace liouville::mlp {

// Buffers of one call, carved from one thread_local block that only grows (no
// allocation in the steady state; each thread has its own, so calls are
// re-entrant). cols = (1 + tangents) batch.
struct Mlp::Workspace {
  Index batch = 0;
  Index tangents = 0;  // 0, 1 (jvp) or dim (divergence)
  Index cols = 0;
  bool reverse = false;         // a reverse pass follows: keep what it needs
  Scalar* values = nullptr;     // layer k: out x cols at values + cols row_offsets_[k], [x_{k+1}, xdot_{k+1}, ...]
  Scalar* d1 = nullptr;         // layer k: out x batch, sigma'(a_k)
  Scalar* d2 = nullptr;         // max_width x batch, sigma''(a_k) of the current layer
  Scalar* curvature = nullptr;  // layer k: out x tangents batch, sigma''(a_k) .* adot_{k, b} per tangent b
  Scalar* bias = nullptr;       // layer k: out, the effective bias
  Scalar* squash = nullptr;     // layer k: out, concatsquash's row scaling s
  Scalar* outer = nullptr;      // max_squash_weight, concatsquash's c [x, xdot, ...]^T
  Scalar* input = nullptr;      // dim x cols, [z, v] or [z, e_1 1^T, ..., e_dim 1^T]
  Scalar* cotangent[2] = {nullptr, nullptr};  // max_width x cols each, [x_bar, xdot_bar, ...] ping-pong
  Scalar* row_sums = nullptr;                 // max_width
};

Mlp::Workspace Mlp::workspace(Index batch, Index tangents, bool reverse) const {
  Workspace work;
  work.batch = batch;
  work.tangents = tangents;
  work.cols = (1 + tangents) * batch;
  work.reverse = reverse;
  const Index size = total_width_ * (work.cols + batch + tangents * batch) + max_width_ * batch +
                     2 * total_width_ + max_squash_weight_ + dim_ * work.cols + 2 * max_width_ * work.cols +
                     max_width_;
  thread_local Vector buffer;
  if (buffer.size() < size) buffer.resize(size);
  Scalar* next = buffer.data();
  const auto take = [&next](Index count) { return std::exchange(next, next + count); };
  work.values = take(total_width_ * work.cols);
  work.d1 = take(total_width_ * batch);
  work.d2 = take(max_width_ * batch);
  work.curvature = take(total_width_ * tangents * batch);
  work.bias = take(total_width_);
  work.squash = take(total_width_);
  work.outer = take(max_squash_weight_);
  work.input = take(dim_ * work.cols);
  work.cotangent[0] = take(max_width_ * work.cols);
  work.cotangent[1] = take(max_width_ * work.cols);
  work.row_sums = take(max_width_);
  return work;
}

// x_k (with its tangents): z or the staged [z, tangents] for the first layer,
// the previous layer's output otherwise.
Mlp::ConstStridedMap Mlp::layer_input(std::size_t k, ConstMatrixRef z, const Workspace& work) const {
  if (k > 0) {
    const Index rows = layers_[k - 1].out;
    return ConstStridedMap(work.values + work.cols * row_offsets_[k - 1], rows, work.cols,
                           Eigen::OuterStride<>(rows));
  }
  if (work.tangents > 0) return ConstStridedMap(work.input, dim_, work.cols, Eigen::OuterStride<>(dim_));
  return ConstStridedMap(z.data(), dim_, work.cols, Eigen::OuterStride<>(z.outerStride()));
}

namespace {

// destination = source for blocks of the same shape, which may have outer
// strides (z is often the top rows of a larger state). Copied in one linear
// loop when both are contiguous, row by row when the columns are short (a
// dim-1 batch has 1-element columns), column by column otherwise.
template <class Source, class Destination>
void copy_block(const Source& source, Destination&& destination) {
  constexpr Index kShortColumn = 4;
  if (source.outerStride() == source.rows() && destination.outerStride() == destination.rows())
    Eigen::Map<Vector>(destination.data(), destination.size()) =
        Eigen::Map<const Vector>(source.data(), source.size());
  else if (source.rows() <= kShortColumn)
    for (Index i = 0; i < source.rows(); ++i) destination.row(i) = source.row(i);
  else
    destination = source;
}

// W without its time column.
Eigen::Map<const Matrix> weight(const DenseLayer& layer) {
  return Eigen::Map<const Matrix>(layer.weight.value().data(), layer.out, layer.in);
}

// b, b + t w_t when t is the weight's last input column, or s .* b + t d with
// concatsquash's s = sigmoid(g t + c), which goes to `squash`.
Eigen::Map<const Vector> effective_bias(const DenseLayer& layer, Scalar t, Scalar* buffer, Scalar* squash) {
  Eigen::Map<Vector> bias(buffer, layer.out);
  switch (layer.time) {
    case TimeConditioning::kNone:
      return Eigen::Map<const Vector>(layer.bias.value().data(), layer.out);
    case TimeConditioning::kConcat:
      bias = layer.bias.value().col(0) + t * layer.weight.value().col(layer.in);
      break;
    case TimeConditioning::kConcatSquash: {
      Eigen::Map<Vector> s(squash, layer.out);
      s = (1.0 + (-(t * layer.gate_weight.value().col(0) + layer.gate_bias.value().col(0))).array().exp())
              .inverse()
              .matrix();
      bias = s.cwiseProduct(layer.bias.value().col(0)) + t * layer.time_weight.value().col(0);
      break;
    }
  }
  return Eigen::Map<const Vector>(buffer, layer.out);
}

// The reverse mode of a concatsquash layer a = s .* (W x + b) + t d with
// s = sigmoid(gamma), gamma = g t + c, adot = s .* (W xdot), given c = [a_bar, adot_bar]
// and row_sums = a_bar 1. With O = c [x, xdot]^T:
//   W_bar += diag(s) O,  b_bar += s .* row_sums,  d_bar += t row_sums,
//   s_bar = rowsum(W .* O) + b .* row_sums,  gamma_bar = s_bar .* s (1 - s),
//   g_bar += t gamma_bar,  c_bar += gamma_bar,  t_bar = d . row_sums + g . gamma_bar.
// The cotangent of W [x, xdot] is diag(s) c. `outer_buffer` (out x in) and
// `gamma_buffer` (out) are scratch. Returns t_bar.
Scalar backward_squash(const DenseLayer& layer, Scalar t, const Eigen::Map<Matrix>& c, ConstMatrixRef input,
                       const Eigen::Map<Vector>& row_sums, const Scalar* squash, Scalar* outer_buffer,
                       Scalar* gamma_buffer, VectorRef theta_bar) {
  const Eigen::Map<const Vector> s(squash, layer.out);
  Eigen::Map<Matrix> outer(outer_buffer, layer.out, layer.in);
  outer_product(c, input, outer, false);
  layer.weight.in(theta_bar).noalias() += s.asDiagonal() * outer;
  layer.bias.in(theta_bar).col(0) += s.cwiseProduct(row_sums);
  layer.time_weight.in(theta_bar).col(0) += t * row_sums;
  Eigen::Map<Vector> gamma_bar(gamma_buffer, layer.out);
  gamma_bar = weight(layer).cwiseProduct(outer).rowwise().sum() + layer.bias.value().col(0).cwiseProduct(row_sums);
  gamma_bar.array() *= s.array() * (1.0 - s.array());
  layer.gate_weight.in(theta_bar).col(0) += t * gamma_bar;
  layer.gate_bias.in(theta_bar).col(0) += gamma_bar;
  return layer.time_weight.value().col(0).dot(row_sums) + layer.gate_weight.value().col(0).dot(gamma_bar);
}

}  // namespace

// Runs the layers. Returns the last layer's output block, dim x cols. The
// tangent pass is
//   adot_k = W_k xdot_k (t carries no tangent),  xdot_{k+1} = sigma'(a_k) .* adot_k,
// with adot_k = s .* (W_k xdot_k) under concatsquash.
Eigen::Map<Matrix> Mlp::forward(Scalar t, ConstMatrixRef z, const Workspace& work) const {
  const Index batch = work.batch;
  const bool slopes = work.reverse || work.tangents > 0;
  const bool curvatures = work.reverse && work.tangents > 0;
  Scalar* output = nullptr;
  for (std::size_t k = 0; k < layers_.size(); ++k) {
    const DenseLayer& layer = layers_[k];
    const Index offset = row_offsets_[k];
    output = work.values + work.cols * offset;
    Eigen::Map<Matrix> a(output, layer.out, work.cols);
    const bool squash = layer.time == TimeConditioning::kConcatSquash;
    const auto bias = effective_bias(layer, t, work.bias + offset, work.squash + offset);
    multiply(weight(layer), layer_input(k, z, work), {squash ? work.squash + offset : nullptr, bias.data(), batch},
             a);
    Eigen::Map<Matrix> value(output, layer.out, batch);
    Eigen::Map<Matrix> d1(work.d1 + batch * offset, layer.out, batch);
    Eigen::Map<Matrix> d2(work.d2, layer.out, batch);
    activate(layer.activation, value, slopes ? &d1 : nullptr, curvatures ? &d2 : nullptr);
    if (work.tangents == 0) continue;
    carry_tangents(d1.data(), d2.data(), output + layer.out * batch,
                   curvatures ? work.curvature + work.tangents * batch * offset : nullptr, layer.out * batch,
                   work.tangents);
  }
  return Eigen::Map<Matrix>(output, dim_, work.cols);
}

// Reverse pass after forward(); cotangent[0] holds [f_bar, jv_bar_1, ...] (or f_bar).
// Through x_{k+1} = sigma(a), xdot_{k+1, b} = sigma'(a) .* adot_b:
//   a_bar = x_bar .* sigma'(a) + sum_b xdot_bar_b .* sigma''(a) .* adot_b,   adot_bar_b = xdot_bar_b .* sigma'(a);
// through a = W x + b + t w_t, adot_b = W xdot_b:
//   W_bar += a_bar x^T + sum_b adot_bar_b xdot_b^T,  b_bar += a_bar 1,  w_t_bar += t a_bar 1,
//   t_bar += w_t . a_bar 1,  [x_bar, xdot_bar_1, ...] = W^T [a_bar, adot_bar_1, ...],
// with (diag(s) W)^T under concatsquash (backward_squash). The input tangents
// are constants: z_bar = W_0^T a_bar.
Scalar Mlp::backward(Scalar t, ConstMatrixRef z, const Workspace& work, MatrixRef z_bar,
                     VectorRef theta_bar) const {
  const Index batch = work.batch;
  Scalar t_bar = 0;
  int current = 0;
  for (std::size_t k = layers_.size(); k-- > 0;) {
    const DenseLayer& layer = layers_[k];
    const Index offset = row_offsets_[k];
    Eigen::Map<Matrix> c(work.cotangent[current], layer.out, work.cols);
    Eigen::Map<Matrix> a_bar(c.data(), layer.out, batch);
    reverse_tangents(work.d1 + batch * offset, work.curvature + work.tangents * batch * offset, c.data(),
                     c.data() + layer.out * batch, layer.out * batch, work.tangents);

    auto weight_bar = layer.weight.in(theta_bar);
    Eigen::Map<Vector> row_sums(work.row_sums, layer.out);
    sum_columns(a_bar, row_sums);
    if (layer.time == TimeConditioning::kConcatSquash) {
      // The effective bias is not needed any more: its buffer holds gamma_bar.
      t_bar += backward_squash(layer, t, c, layer_input(k, z, work), row_sums, work.squash + offset, work.outer,
                               work.bias + offset, theta_bar);
    } else {
      outer_product(c, layer_input(k, z, work), weight_bar.leftCols(layer.in), true);
      layer.bias.in(theta_bar).col(0) += row_sums;
    }
    if (layer.time == TimeConditioning::kConcat) {
      weight_bar.col(layer.in) += t * row_sums;
      t_bar += layer.weight.value().col(layer.in).dot(row_sums);
    }

    const Scalar* scale = layer.time == TimeConditioning::kConcatSquash ? work.squash + offset : nullptr;
    if (k == 0) {
      multiply_transposed(weight(layer), scale, a_bar, z_bar);
    } else {
      current = 1 - current;
      multiply_transposed(weight(layer), scale, c,
                          Eigen::Map<Matrix>(work.cotangent[current], layer.in, work.cols));
    }
  }
  return t_bar;
}

// [z, v] into the input block.
void Mlp::stage_tangent(ConstMatrixRef z, ConstMatrixRef v, const Workspace& work) const {
  Eigen::Map<Matrix> input(work.input, dim_, work.cols);
  copy_block(z, input.leftCols(work.batch));
  copy_block(v, input.rightCols(work.batch));
}

// [z, e_1 1^T, ..., e_dim 1^T] into the input block.
void Mlp::stage_unit_tangents(ConstMatrixRef z, const Workspace& work) const {
  Eigen::Map<Matrix> input(work.input, dim_, work.cols);
  copy_block(z, input.leftCols(work.batch));
  input.rightCols(dim_ * work.batch).setZero();
  for (Index i = 0; i < dim_; ++i) input.row(i).segment((1 + i) * work.batch, work.batch).setOnes();
}

void Mlp::check_block(const char* name, Index rows, Index cols, Index batch) const {
  if (rows != dim_ || cols != batch)
    throw DataError(path_ + ": " + name + " is " + std::to_string(rows) + " x " + std::to_string(cols) +
                    ", expected " + std::to_string(dim_) + " x " + std::to_string(batch) + " (dim x batch)");
}

void Mlp::check_length(const char* name, Index size, Index batch) const {
  if (size != batch)
    throw DataError(path_ + ": " + name + " has " + std::to_string(size) + " entries, expected one per column (" +
                    std::to_string(batch) + ")");
}

void Mlp::check_gradient_size(Index size) const {
  if (size < parameter_end_)
    throw DataError(path_ + ": theta_bar has " + std::to_string(size) + " entries, but the parameters end at " +
                    std::to_string(parameter_end_));
}

void Mlp::evaluate(Scalar t, ConstMatrixRef z, MatrixRef f) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("f", f.rows(), f.cols(), batch);
  copy_block(forward(t, z, workspace(batch, 0, false)), f);
}

void Mlp::jvp(Scalar t, ConstMatrixRef z, ConstMatrixRef v, MatrixRef f, MatrixRef jv) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("v", v.rows(), v.cols(), batch);
  check_block("f", f.rows(), f.cols(), batch);
  check_block("jv", jv.rows(), jv.cols(), batch);
  const Workspace work = workspace(batch, 1, false);
  stage_tangent(z, v, work);
  const auto output = forward(t, z, work);
  copy_block(output.leftCols(batch), f);
  copy_block(output.rightCols(batch), jv);
}

Scalar Mlp::vjp(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, MatrixRef z_bar, VectorRef theta_bar) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("f_bar", f_bar.rows(), f_bar.cols(), batch);
  check_block("z_bar", z_bar.rows(), z_bar.cols(), batch);
  check_gradient_size(theta_bar.size());
  const Workspace work = workspace(batch, 0, true);
  forward(t, z, work);
  copy_block(f_bar, Eigen::Map<Matrix>(work.cotangent[0], dim_, batch));
  return backward(t, z, work, z_bar, theta_bar);
}

Scalar Mlp::jvp_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef v, ConstMatrixRef f_bar, ConstMatrixRef jv_bar,
                         MatrixRef z_bar, VectorRef theta_bar) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("v", v.rows(), v.cols(), batch);
  check_block("f_bar", f_bar.rows(), f_bar.cols(), batch);
  check_block("jv_bar", jv_bar.rows(), jv_bar.cols(), batch);
  check_block("z_bar", z_bar.rows(), z_bar.cols(), batch);
  check_gradient_size(theta_bar.size());
  const Workspace work = workspace(batch, 1, true);
  stage_tangent(z, v, work);
  forward(t, z, work);
  Eigen::Map<Matrix> top(work.cotangent[0], dim_, work.cols);
  copy_block(f_bar, top.leftCols(batch));
  copy_block(jv_bar, top.rightCols(batch));
  return backward(t, z, work, z_bar, theta_bar);
}

void Mlp::divergence(Scalar t, ConstMatrixRef z, MatrixRef f, VectorRef div) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("f", f.rows(), f.cols(), batch);
  check_length("div", div.size(), batch);
  const Workspace work = workspace(batch, dim_, false);
  stage_unit_tangents(z, work);
  const auto output = forward(t, z, work);
  copy_block(output.leftCols(batch), f);
  div.setZero();
  for (Index i = 0; i < dim_; ++i) div += output.row(i).segment((1 + i) * batch, batch).transpose();
}

// div = sum_i row i of the tangent block J e_i, so its cotangent enters that
// block's row i: the top cotangent is [f_bar, e_1 div_bar^T, ..., e_dim div_bar^T].
Scalar Mlp::divergence_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, ConstVectorRef div_bar,
                                MatrixRef z_bar, VectorRef theta_bar) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("f_bar", f_bar.rows(), f_bar.cols(), batch);
  check_length("div_bar", div_bar.size(), batch);
  check_block("z_bar", z_bar.rows(), z_bar.cols(), batch);
  check_gradient_size(theta_bar.size());
  const Workspace work = workspace(batch, dim_, true);
  stage_unit_tangents(z, work);
  forward(t, z, work);
  Eigen::Map<Matrix> top(work.cotangent[0], dim_, work.cols);
  copy_block(f_bar, top.leftCols(batch));
  top.rightCols(dim_ * batch).setZero();
  for (Index i = 0; i < dim_; ++i) top.row(i).segment((1 + i) * batch, batch) = div_bar.transpose();
  return backward(t, z, work, z_bar, theta_bar);
}

}  // namespace liouville::mlp
