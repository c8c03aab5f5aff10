// Planar flow (Rezende and Mohamed 2015, eq. 10-12) in the normalizing direction:
//   forward  z = x + u_hat h(a),  a = w.x + b,
//            logdet = log|1 + h'(a) w.u_hat|   (matrix determinant lemma).
// u_hat reparameterizes u so that the map is invertible (appendix A):
//   u_hat = u + (m(w.u) - w.u) w / |w|^2,  m(t) = -1 + softplus(t),
// which gives w.u_hat = m(w.u) > -1. Both nonlinearities have h' in (0, 1]
// (leaky_relu: h' is 1 or its negative slope), so 1 + h'(a) w.u_hat > 0 and
// x -> z is strictly monotone along w for either of them with the same m.
//
// inverse: with c = w.u_hat, the pre-activation solves the scalar equation
//   a + c h(a) = w.z + b   (take w. of x = z - u_hat h(a) and add b),
// whose left side increases strictly; then x = z - u_hat h(a) and
// logdet = -log(1 + c h'(a)).
//
// forward given a tape keeps h(a), h'(a), h''(a) for backward; without one,
// backward recomputes them from x.
#include <algorithm>
#include <cmath>
#include <liouville/plugin.hpp>
#include <memory>
#include <string>

#include "liouville/core/batch_shapes.hpp"
#include "planar_activation.hpp"

namespace liouville {
namespace {

// log(1 + e^t) without overflow.
Scalar softplus(Scalar t) { return std::max(t, 0.0) + std::log1p(std::exp(-std::abs(t))); }
Scalar sigmoid(Scalar t) { return 1.0 / (1.0 + std::exp(-t)); }

// u_hat = u + k w with k = (m(t) - t) / n = (softplus(-t) - 1) / n, t = w.u,
// n = |w|^2, and c = w.u_hat = m(t), kept as 1 + c = softplus(t) (see
// planar_activation.hpp). With w = 0 the layer is a translation by u h(b):
// u_hat = u and c = 0.
struct Reparameterization {
  Vector u_hat;
  Scalar t = 0;
  Scalar n = 0;
  Scalar k = 0;
  Scalar one_plus_c = 1;
  Scalar c() const { return one_plus_c - 1.0; }
};

Reparameterization reparameterize(ConstVectorRef u, ConstVectorRef w) {
  Reparameterization p;
  p.t = w.dot(u);
  p.n = w.squaredNorm();
  if (p.n > 0) {
    p.k = (softplus(-p.t) - 1.0) / p.n;
    p.one_plus_c = softplus(p.t);
  }
  p.u_hat = u + p.k * w;
  return p;
}

// The batch products of a planar layer, row by row: Eigen's rank-one update and
// matrix-vector products walk the columns, and with few rows (2-D data) their
// per-column overhead costs more than the arithmetic.

// out += u h.
void add_rank_one(MatrixRef out, ConstVectorRef u, const planar::RowArray& h) {
  for (Index i = 0; i < out.rows(); ++i) out.row(i).array() += u[i] * h;
}

// v^T m, one entry per column.
planar::RowArray project(ConstVectorRef v, ConstMatrixRef m) {
  planar::RowArray out = v[0] * m.row(0).array();
  for (Index i = 1; i < m.rows(); ++i) out += v[i] * m.row(i).array();
  return out;
}

// m h^T.
Vector weighted_sum(ConstMatrixRef m, const planar::RowArray& h) {
  Vector out(m.rows());
  for (Index i = 0; i < m.rows(); ++i) out[i] = m.row(i).dot(h.matrix());
  return out;
}

// What forward keeps for backward.
struct ActivationTape final : Tape {
  planar::Activated at;
};

}  // namespace

class Planar final : public Bijection {
 public:
  static constexpr std::string_view kName = "planar";
  static constexpr std::string_view kSummary =
      "Planar flow z = x + u_hat h(w.x + b) (Rezende and Mohamed 2015), inverted by a scalar root solve.";

  static void declare(Schema& schema) {
    schema.choice("activation", {"tanh", "leaky_relu"}).default_value("tanh").doc("The nonlinearity h.");
    schema.real("negative_slope")
        .default_value(0.01)
        .greater_than(0)
        .less_than(1)
        .doc("Slope of leaky_relu for negative pre-activations.");
    schema.real("init_scale")
        .default_value(0.01)
        .greater_than(0)
        .doc(
            "Standard deviation of the initial entries of u and w (independent normals); b starts at 0. "
            "The default, flowjax's, starts a deep flow near the identity.");
  }

  Planar(const Params& params, BuildContext& context)
      : path_(params.path()),
        dim_(context.dim()),
        activation_(params.get_string("activation") == "tanh" ? planar::PlanarActivation::Kind::kTanh
                                                              : planar::PlanarActivation::Kind::kLeakyRelu,
                    params.get_real("negative_slope")),
        u_(context.parameters().allocate(path_ + ".u", dim_, 1)),
        w_(context.parameters().allocate(path_ + ".w", dim_, 1)),
        b_(context.parameters().allocate(path_ + ".b", 1, 1)) {
    const Scalar scale = params.get_real("init_scale");
    context.init_rng().fill_normal(u_.mutable_value());
    context.init_rng().fill_normal(w_.mutable_value());
    u_.mutable_value() *= scale;
    w_.mutable_value() *= scale;
  }

  Index dim() const override { return dim_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>* tape) const override {
    check_shapes("forward", x, z, logdet);
    const Reparameterization p = reparameterize(u_.value(), w_.value());
    planar::Activated at = evaluate(x);
    z = x;
    add_rank_one(z, p.u_hat, at.h);
    logdet = at.determinant(p.one_plus_c).log().transpose().matrix();
    if (tape != nullptr) {
      auto kept = std::make_unique<ActivationTape>();
      kept->at = std::move(at);
      *tape = std::move(kept);
    }
  }

  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const override {
    check_shapes("inverse", z, x, logdet);
    const Reparameterization p = reparameterize(u_.value(), w_.value());
    const planar::RowArray r = project(w_.value(), z) + b_.value()(0, 0);
    const planar::Activated at = activation_.evaluate(activation_.solve(p.one_plus_c, r, path_));
    x = z;
    add_rank_one(x, -p.u_hat, at.h);
    logdet = -at.determinant(p.one_plus_c).log().transpose().matrix();
  }

  // L(z, logdet) with D = 1 + c h'(a):
  //   a_bar = h'(a) u_hat.z_bar + logdet_bar c h''(a) / D,   x_bar = z_bar + w a_bar,
  //   c_bar = sum logdet_bar h'(a) / D,   u_hat_bar = z_bar h(a)^T,   b_bar = sum a_bar,
  // then through u_hat = u + k w and c = m(t) with k(t, n), t = w.u, n = w.w.
  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override {
    check_shapes("backward", x, z, logdet_bar);
    if (z_bar.rows() != dim_ || z_bar.cols() != x.cols() || x_bar.rows() != dim_ || x_bar.cols() != x.cols())
      throw DataError(path_ + ": planar backward of a " + shape(x) + " batch with z_bar " + shape(z_bar) +
                      " into x_bar " + shape(x_bar));
    const Vector u = u_.value();
    const Vector w = w_.value();
    const Reparameterization p = reparameterize(u, w);
    const auto* kept = dynamic_cast<const ActivationTape*>(tape);
    if (kept != nullptr && kept->at.h.size() != x.cols())
      throw DataError(path_ + ": planar backward of a batch of " + std::to_string(x.cols()) +
                      " with the tape of a batch of " + std::to_string(kept->at.h.size()));
    planar::Activated recomputed;
    if (kept == nullptr) recomputed = evaluate(x);
    const planar::Activated& at = kept != nullptr ? kept->at : recomputed;
    const planar::RowArray q = logdet_bar.transpose().array() / at.determinant(p.one_plus_c);
    const planar::RowArray a_bar = at.d1 * project(p.u_hat, z_bar) + q * p.c() * at.d2;
    x_bar = z_bar;
    add_rank_one(x_bar, w, a_bar);

    const Vector u_hat_bar = weighted_sum(z_bar, at.h);
    Eigen::Map<Matrix> u_bar = u_.in(theta_bar);
    Eigen::Map<Matrix> w_bar = w_.in(theta_bar);
    u_bar += u_hat_bar;
    w_bar += weighted_sum(x, a_bar);
    b_.in(theta_bar)(0, 0) += a_bar.sum();
    if (p.n == 0) return;  // u_hat = u and c = 0 there
    const Scalar c_bar = (q * at.d1).sum();
    const Scalar k_bar = u_hat_bar.dot(w);
    // dk/dt = -sigmoid(-t) / n, dk/dn = -k / n, dm/dt = sigmoid(t).
    const Scalar t_bar = -k_bar * sigmoid(-p.t) / p.n + c_bar * sigmoid(p.t);
    const Scalar n_bar = -k_bar * p.k / p.n;
    u_bar += t_bar * w;
    w_bar += p.k * u_hat_bar + t_bar * u + 2 * n_bar * w;
  }

 private:
  planar::Activated evaluate(ConstMatrixRef x) const {
    return activation_.evaluate(project(w_.value(), x) + b_.value()(0, 0));
  }

  static std::string shape(ConstMatrixRef m) {
    return std::to_string(m.rows()) + " x " + std::to_string(m.cols());
  }

  void check_shapes(const char* method, ConstMatrixRef in, ConstMatrixRef out, ConstVectorRef logdet) const {
    check_batch_shapes(path_ + ": planar", method, dim_, in, out, logdet);
  }

  std::string path_;
  Index dim_;
  planar::PlanarActivation activation_;
  ParameterSlice u_;
  ParameterSlice w_;
  ParameterSlice b_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Bijection, liouville::Planar)
