// actnorm: a per-channel affine map with data-dependent initialization
// (Glow, Kingma and Dhariwal 2018, sec. 3.1), at every pixel of an image of
// `shape` [C, H, W] (liouville/core/image_shape.hpp; vector data: C = dim):
//
//   z_c = exp(s_c) x_c + b_c,   logdet = H W sum_c s_c,
//
// with slices "<path>.log_scale" (s) and "<path>.bias" (b), both C x 1.
//
// Data-dependent initialization (`data_init`, default true): the first forward
// call of this object, if s and b still hold their construction values (zero),
// sets s = -log(std + eps) and b = -mean .* exp(s) from that batch (statistics
// over the samples and the pixels of each channel), so the batch leaves with zero
// mean and unit variance per channel. Parameters restored from
// a checkpoint are not zero, so a reloaded model is never re-initialized. The
// trainer must run this first forward before it copies the parameter vector.
// std::call_once makes the initialization thread-safe: concurrent first calls
// wait until one of them has written the parameters.
#include <cmath>
#include <liouville/plugin.hpp>
#include <mutex>
#include <string>

#include "liouville/core/batch_shapes.hpp"
#include "liouville/registry/image_shape_schema.hpp"

namespace liouville {

class ActNorm final : public Bijection {
 public:
  static constexpr std::string_view kName = "actnorm";
  static constexpr std::string_view kSummary =
      "Per-channel scale and bias with data-dependent initialization (Glow's actnorm).";

  static void declare(Schema& schema) {
    schema.boolean("data_init")
        .default_value(true)
        .doc("Initialize scale and bias on the first forward batch to zero mean and unit variance (Glow).");
    declare_image_shape(schema);
  }

  ActNorm(const Params& params, BuildContext& context)
      : path_(params.path()), dim_(context.dim()), data_init_(params.get_bool("data_init")) {
    if (dim_ < 1) throw ConfigError(path_ + ": actnorm needs a data dimension >= 1, got " + std::to_string(dim_));
    shape_ = read_image_shape(params, dim_);
    log_scale_ = context.parameters().allocate(path_ + ".log_scale", shape_.channels, 1);
    bias_ = context.parameters().allocate(path_ + ".bias", shape_.channels, 1);
  }

  Index dim() const override { return dim_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>*) const override {
    check_shapes("forward", x, z, logdet);
    if (data_init_) std::call_once(initialized_, [&] { initialize_from(x); });
    const Vector s = per_row(log_scale_.value().col(0));
    z = (x.array().colwise() * s.array().exp()).colwise() + per_row(bias_.value().col(0)).array();
    logdet.setConstant(log_det());
  }

  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const override {
    check_shapes("inverse", z, x, logdet);
    const Vector s = per_row(log_scale_.value().col(0));
    x = (z.array().colwise() - per_row(bias_.value().col(0)).array()).colwise() * (-s.array()).exp();
    logdet.setConstant(-log_det());
  }

  // x_bar = exp(s) .* z_bar; b_bar = sum_j z_bar_j; s_bar = sum_j z_bar_j .* exp(s) .* x_j + H W sum_j
  // logdet_bar_j, the sums also running over each channel's pixels.
  void backward(const Tape*, ConstMatrixRef x, ConstMatrixRef, ConstMatrixRef z_bar, ConstVectorRef logdet_bar,
                MatrixRef x_bar, VectorRef theta_bar) const override {
    check_shapes("backward", x, x_bar, logdet_bar);
    const Vector scale = per_row(log_scale_.value().col(0)).array().exp();
    x_bar = z_bar.array().colwise() * scale.array();
    bias_.in(theta_bar).col(0) += per_channel(z_bar.rowwise().sum());
    log_scale_.in(theta_bar).col(0).array() +=
        per_channel((x_bar.array() * x.array()).rowwise().sum()).array() + shape_.pixels() * logdet_bar.sum();
  }

 private:
  static constexpr Scalar kEps = 1e-6;  // Glow's guard against a constant channel

  // The C channel values spread over the C H W rows of a sample.
  Vector per_row(ConstVectorRef per_channel_values) const {
    if (shape_.pixels() == 1) return per_channel_values;
    Vector rows(dim_);
    for (Index c = 0; c < shape_.channels; ++c)
      rows.segment(c * shape_.pixels(), shape_.pixels()).setConstant(per_channel_values(c));
    return rows;
  }

  // The sums over each channel's H W rows.
  Vector per_channel(ConstVectorRef rows) const {
    if (shape_.pixels() == 1) return rows;
    return Eigen::Map<const Matrix>(rows.data(), shape_.pixels(), shape_.channels).colwise().sum().transpose();
  }

  Scalar log_det() const { return static_cast<Scalar>(shape_.pixels()) * log_scale_.value().sum(); }

  void initialize_from(ConstMatrixRef x) const {
    auto s = log_scale_.mutable_value();
    auto b = bias_.mutable_value();
    if (!s.isZero(0) || !b.isZero(0)) return;  // trained or restored parameters
    if (x.cols() < 2)
      throw DataError(path_ +
                      ": actnorm's data-dependent initialization needs a first batch of at least 2 "
                      "samples, got " +
                      std::to_string(x.cols()) + " (or set data_init: false)");
    const Scalar count = static_cast<Scalar>(shape_.pixels() * x.cols());
    const Vector mean = per_channel(x.rowwise().sum()) / count;
    const Vector deviation =
        (per_channel((x.colwise() - per_row(mean)).array().square().rowwise().sum().matrix()) / count).cwiseSqrt();
    s.col(0) = -(deviation.array() + kEps).log();
    b.col(0) = -mean.array() * s.col(0).array().exp();
  }

  void check_shapes(const char* method, ConstMatrixRef in, ConstMatrixRef out, ConstVectorRef logdet) const {
    check_batch_shapes(path_ + ": actnorm", method, dim_, in, out, logdet);
  }

  std::string path_;
  Index dim_;
  ImageShape shape_;
  bool data_init_;
  ParameterSlice log_scale_;
  ParameterSlice bias_;
  mutable std::once_flag initialized_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Bijection, liouville::ActNorm)
