// Radial flow (Rezende and Mohamed 2015, section 4.1, eq. 14) in Liouville's
// normalizing direction, data x -> base z:
//   z = x0 + A(r) (x - x0),   r = |x - x0|,   A(r) = 1 + beta / (alpha + r),
//   logdet = (d - 1) log A(r) + log B(r),   B(r) = 1 + alpha beta / (alpha + r)^2,
// where B = A + r A'(r) is the radial derivative d|z - x0| / dr.
//
// Invertibility (appendix A.2): alpha > 0 and beta >= -alpha. The stored
// parameters are unconstrained: alpha = softplus(a), beta = -alpha + softplus(b),
// so A > r / (alpha + r) > 0 and B > 0 away from the center. a = b = 0 gives
// beta = 0, the identity.
//
// inverse: s = |z - x0| = r A(r) is the scalar equation r^2 + (alpha + beta - s) r
// - alpha s = 0 in r, whose one root r >= 0 is taken in closed form (so the
// inverse is exact); then x = x0 + (z - x0) / A(r).
//
// backward recomputes r from x, so forward records no tape.
#include <cmath>
#include <liouville/plugin.hpp>
#include <memory>
#include <string>

namespace example {

using liouville::Index;
using liouville::Scalar;
using Row = Eigen::Array<Scalar, 1, Eigen::Dynamic>;

namespace {

// log(1 + e^t) without overflow.
Scalar softplus(Scalar t) { return std::max(t, 0.0) + std::log1p(std::exp(-std::abs(t))); }
Scalar sigmoid(Scalar t) { return 1.0 / (1.0 + std::exp(-t)); }

// The radial coefficients of a batch: q = alpha + r, A and B per column.
struct Radial {
  Row r, q, a, b;
};

}  // namespace

class RadialFlow final : public liouville::Bijection {
 public:
  static constexpr std::string_view kName = "example/radial";
  static constexpr std::string_view kSummary =
      "Radial flow z = x0 + (1 + beta / (alpha + r)) (x - x0) (Rezende and Mohamed 2015), exact inverse.";

  static void declare(liouville::Schema& schema) {
    schema.real("init_scale")
        .default_value(0.5)
        .min(0)
        .doc("Standard deviation of the initial center x0; alpha and beta start at log 2 and 0 (the identity).");
  }

  RadialFlow(const liouville::Params& params, liouville::BuildContext& context)
      : path_(params.path()),
        dim_(context.dim()),
        center_(context.parameters().allocate(path_ + ".center", dim_, 1)),
        alpha_(context.parameters().allocate(path_ + ".alpha", 1, 1)),
        beta_(context.parameters().allocate(path_ + ".beta", 1, 1)) {
    context.init_rng().fill_normal(center_.mutable_value());
    center_.mutable_value() *= params.get_real("init_scale");
  }

  Index dim() const override { return dim_; }

  void forward(liouville::ConstMatrixRef x, liouville::MatrixRef z, liouville::VectorRef logdet, liouville::Rng&,
               std::unique_ptr<liouville::Tape>*) const override {
    check_shapes("forward", x, z, logdet.size());
    const Radial at = coefficients(x);
    z = (x.colwise() - center()) * at.a.matrix().asDiagonal();
    z.colwise() += center();
    logdet = log_determinant(at).transpose().matrix();
  }

  void inverse(liouville::ConstMatrixRef z, liouville::MatrixRef x, liouville::VectorRef logdet,
               liouville::Rng&) const override {
    check_shapes("inverse", z, x, logdet.size());
    const auto [alpha, beta] = alpha_beta();
    const Row s = (z.colwise() - center()).colwise().norm().array();
    // The nonnegative root of r^2 + c r - alpha s = 0, c = alpha + beta - s, in the
    // form that does not cancel for either sign of c.
    const Row c = alpha + beta - s;
    const Row root = (c.square() + 4 * alpha * s).sqrt();
    Radial at;
    at.r = (c > 0).select(2 * alpha * s / (c + root), (root - c) / 2);
    complete(at, alpha, beta);
    x = (z.colwise() - center()) * at.a.inverse().matrix().asDiagonal();
    x.colwise() += center();
    logdet = -log_determinant(at).transpose().matrix();
  }

  // With y = x - x0, q = alpha + r and cotangents z_bar, l_bar:
  //   A_bar = y.z_bar + l_bar (d - 1) / A,   B_bar = l_bar / B,
  //   q_bar = -A_bar beta / q^2 - 2 B_bar alpha beta / q^3   (= r_bar),
  //   y_bar = A z_bar + r_bar y / r,   x_bar = y_bar,   x0_bar = sum (z_bar - y_bar),
  //   beta_bar = sum A_bar / q + B_bar alpha / q^2,   alpha_bar = sum q_bar + B_bar beta / q^2,
  // then through alpha = softplus(a) and beta = -alpha + softplus(b).
  void backward(const liouville::Tape*, liouville::ConstMatrixRef x, liouville::ConstMatrixRef z,
                liouville::ConstMatrixRef z_bar, liouville::ConstVectorRef logdet_bar, liouville::MatrixRef x_bar,
                liouville::VectorRef theta_bar) const override {
    check_shapes("backward", x, z, logdet_bar.size());
    if (z_bar.rows() != dim_ || z_bar.cols() != x.cols() || x_bar.rows() != dim_ || x_bar.cols() != x.cols())
      throw liouville::DataError(path_ + ": radial backward of a " + shape(x) + " batch with z_bar " +
                                 shape(z_bar) + " into x_bar " + shape(x_bar));
    const auto [alpha, beta] = alpha_beta();
    const Radial at = coefficients(x);
    const liouville::Matrix y = x.colwise() - center();
    const Row l_bar = logdet_bar.transpose().array();
    const Row a_bar = y.cwiseProduct(z_bar).colwise().sum().array() + l_bar * Scalar(dim_ - 1) / at.a;
    const Row b_bar = l_bar / at.b;
    const Row q2 = at.q.square();
    const Row q_bar = -a_bar * beta / q2 - 2 * b_bar * alpha * beta / (q2 * at.q);
    const Row radial_weight = (at.r > 0).select(q_bar / at.r, 0.0);
    x_bar = z_bar * at.a.matrix().asDiagonal();
    x_bar += y * radial_weight.matrix().asDiagonal();
    center_.in(theta_bar) += (z_bar - x_bar).rowwise().sum();

    const Scalar beta_bar = (a_bar / at.q + b_bar * alpha / q2).sum();
    const Scalar alpha_bar = (q_bar + b_bar * beta / q2).sum();
    const Scalar a_raw = alpha_.value()(0, 0);
    const Scalar b_raw = beta_.value()(0, 0);
    alpha_.in(theta_bar)(0, 0) += (alpha_bar - beta_bar) * sigmoid(a_raw);
    beta_.in(theta_bar)(0, 0) += beta_bar * sigmoid(b_raw);
  }

 private:
  struct AlphaBeta {
    Scalar alpha;
    Scalar beta;
  };

  AlphaBeta alpha_beta() const {
    const Scalar alpha = softplus(alpha_.value()(0, 0));
    return {alpha, -alpha + softplus(beta_.value()(0, 0))};
  }

  Eigen::Map<const liouville::Vector> center() const { return {center_.value().data(), dim_}; }

  Radial coefficients(liouville::ConstMatrixRef x) const {
    const auto [alpha, beta] = alpha_beta();
    Radial at;
    at.r = (x.colwise() - center()).colwise().norm().array();
    complete(at, alpha, beta);
    return at;
  }

  static void complete(Radial& at, Scalar alpha, Scalar beta) {
    at.q = alpha + at.r;
    at.a = 1 + beta / at.q;
    at.b = 1 + alpha * beta / at.q.square();
  }

  Row log_determinant(const Radial& at) const { return Scalar(dim_ - 1) * at.a.log() + at.b.log(); }

  static std::string shape(liouville::ConstMatrixRef m) {
    return std::to_string(m.rows()) + " x " + std::to_string(m.cols());
  }

  void check_shapes(const char* method, liouville::ConstMatrixRef in, liouville::ConstMatrixRef out,
                    Index logdets) const {
    if (in.rows() != dim_ || out.rows() != dim_ || out.cols() != in.cols() || logdets != in.cols())
      throw liouville::DataError(path_ + ": radial " + method + " of a " + shape(in) + " batch with " +
                                 shape(out) + " and " + std::to_string(logdets) +
                                 " log-determinants; the dimension is " + std::to_string(dim_));
  }

  std::string path_;
  Index dim_;
  liouville::ParameterSlice center_;
  liouville::ParameterSlice alpha_;
  liouville::ParameterSlice beta_;
};

}  // namespace example

LIOUVILLE_REGISTER(liouville::Bijection, example::RadialFlow)
