// actnorm: a per-dimension affine map with data-dependent initialization
// (Glow, Kingma and Dhariwal 2018, sec. 3.1):
//
//   z = exp(s) .* x + b,   logdet = sum_i s_i,
//
// with slices "<path>.log_scale" (s) and "<path>.bias" (b), both dim x 1.
//
// Data-dependent initialization (`data_init`, default true): the first forward
// call of this object, if s and b still hold their construction values (zero),
// sets s = -log(std + eps) and b = -mean .* exp(s) from that batch, so the batch
// leaves with zero mean and unit variance per dimension. Parameters restored from
// a checkpoint are not zero, so a reloaded model is never re-initialized. The
// trainer must run this first forward before it copies the parameter vector.
// std::call_once makes the initialization thread-safe: concurrent first calls
// wait until one of them has written the parameters.
#include <cmath>
#include <liouville/plugin.hpp>
#include <mutex>
#include <string>

namespace liouville {

class ActNorm final : public Bijection {
 public:
  static constexpr std::string_view kName = "actnorm";
  static constexpr std::string_view kSummary =
      "Per-dimension scale and bias with data-dependent initialization (Glow's actnorm).";

  static void declare(Schema& schema) {
    schema.boolean("data_init")
        .default_value(true)
        .doc("Initialize scale and bias on the first forward batch to zero mean and unit variance (Glow).");
  }

  ActNorm(const Params& params, BuildContext& context)
      : path_(params.path()), dim_(context.dim()), data_init_(params.get_bool("data_init")) {
    if (dim_ < 1) throw ConfigError(path_ + ": actnorm needs a data dimension >= 1, got " + std::to_string(dim_));
    log_scale_ = context.parameters().allocate(path_ + ".log_scale", dim_, 1);
    bias_ = context.parameters().allocate(path_ + ".bias", dim_, 1);
  }

  Index dim() const override { return dim_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>*) const override {
    check_shapes("forward", x, z, logdet);
    if (data_init_) std::call_once(initialized_, [&] { initialize_from(x); });
    const auto s = log_scale_.value().col(0);
    z = (x.array().colwise() * s.array().exp()).colwise() + bias_.value().col(0).array();
    logdet.setConstant(s.sum());
  }

  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const override {
    check_shapes("inverse", z, x, logdet);
    const auto s = log_scale_.value().col(0);
    x = (z.array().colwise() - bias_.value().col(0).array()).colwise() * (-s.array()).exp();
    logdet.setConstant(-s.sum());
  }

  // x_bar = exp(s) .* z_bar; b_bar = sum_j z_bar_j; s_bar = sum_j z_bar_j .* exp(s) .* x_j + sum_j logdet_bar_j.
  void backward(const Tape*, ConstMatrixRef x, ConstMatrixRef, ConstMatrixRef z_bar, ConstVectorRef logdet_bar,
                MatrixRef x_bar, VectorRef theta_bar) const override {
    check_shapes("backward", x, x_bar, logdet_bar);
    const Vector scale = log_scale_.value().col(0).array().exp();
    x_bar = z_bar.array().colwise() * scale.array();
    bias_.in(theta_bar).col(0) += z_bar.rowwise().sum();
    log_scale_.in(theta_bar).col(0).array() += (x_bar.array() * x.array()).rowwise().sum() + logdet_bar.sum();
  }

 private:
  static constexpr Scalar kEps = 1e-6;  // Glow's guard against a constant dimension

  void initialize_from(ConstMatrixRef x) const {
    auto s = log_scale_.mutable_value();
    auto b = bias_.mutable_value();
    if (!s.isZero(0) || !b.isZero(0)) return;  // trained or restored parameters
    if (x.cols() < 2)
      throw DataError(path_ +
                      ": actnorm's data-dependent initialization needs a first batch of at least 2 "
                      "samples, got " +
                      std::to_string(x.cols()) + " (or set data_init: false)");
    const Vector mean = x.rowwise().mean();
    const Vector deviation = ((x.colwise() - mean).array().square().rowwise().mean()).sqrt();
    s.col(0) = -(deviation.array() + kEps).log();
    b.col(0) = -mean.array() * s.col(0).array().exp();
  }

  void check_shapes(const char* method, ConstMatrixRef in, ConstMatrixRef out, ConstVectorRef logdet) const {
    if (in.rows() != dim_ || out.rows() != dim_ || out.cols() != in.cols() || logdet.size() != in.cols())
      throw DataError(path_ + ": actnorm " + method + " of a " + std::to_string(in.rows()) + " x " +
                      std::to_string(in.cols()) + " batch into " + std::to_string(out.rows()) + " x " +
                      std::to_string(out.cols()) + " with " + std::to_string(logdet.size()) +
                      " log-determinants; the dimension is " + std::to_string(dim_));
  }

  std::string path_;
  Index dim_;
  bool data_init_;
  ParameterSlice log_scale_;
  ParameterSlice bias_;
  mutable std::once_flag initialized_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Bijection, liouville::ActNorm)
