// The planar bijection: the conformance kit for both nonlinearities in several
// dimensions, the invertibility guaranteed by the u_hat reparameterization, the
// inverse's root solve at extreme parameters, and a deep chain.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "liouville/core/errors.hpp"
#include "liouville/testing/bijection_conformance.hpp"
#include "planar_fixture.hpp"

namespace liouville::testing {
namespace {

std::string planar_layer(const std::string& activation, double init_scale) {
  return "{type: planar, activation: " + activation + ", init_scale: " + std::to_string(init_scale) + "}";
}
std::string planar(const std::string& activation, double init_scale) {
  return std::string("[").append(planar_layer(activation, init_scale)).append("]");
}

// The columns of x whose pre-activation a = w.x + b is at least `margin` away
// from leaky_relu's kink, so that no finite-difference or Taylor step crosses it.
Matrix away_from_kink(BuiltFlow& flow, const Matrix& x, double margin) {
  const Vector w = flow.slice("layers[0].w");
  const double b = flow.slice("layers[0].b")(0, 0);
  Matrix kept(x.rows(), x.cols());
  Index n = 0;
  for (Index j = 0; j < x.cols(); ++j)
    if (std::abs(w.dot(x.col(j)) + b) >= margin) kept.col(n++) = x.col(j);
  return kept.leftCols(n);
}

// One forward of a single column.
Vector forward_one(const Bijection& bijection, const Vector& x) {
  Matrix z(x.size(), 1);
  Vector logdet(1);
  Rng noise(0);
  bijection.forward(x, z, logdet, noise, nullptr);
  return z.col(0);
}

TEST_CASE("planar passes the bijection checks for tanh and leaky_relu in dimensions 1, 2 and 5") {
  for (const std::string activation : {"tanh", "leaky_relu"})
    for (const Index dim : {1, 2, 5})
      for (const double init_scale : {0.1, 1.0}) {
        CAPTURE(activation);
        CAPTURE(dim);
        CAPTURE(init_scale);
        auto flow = build_flow(planar(activation, init_scale), dim, 100 + dim);
        flow->slice("layers[0].b")(0, 0) = 0.3;
        Matrix x = normal_matrix(dim, 12, 7 * dim);
        if (activation == "leaky_relu") x = away_from_kink(*flow, x, 0.2);
        REQUIRE(x.cols() >= 4);
        const Rng noise(1);
        check_bijection_conformance(*flow->bijection, flow->store, x, noise);
      }
}

TEST_CASE("w.u_hat >= -1 and the map is monotone along w for any raw u and w") {
  Rng draws(5);
  const Index dim = 3;
  for (const std::string activation : {"tanh", "leaky_relu"})
    for (int trial = 0; trial < 60; ++trial) {
      auto flow = build_flow(planar(activation, 1.0), dim);
      const double scale = std::pow(10.0, trial % 3 - 1);  // 0.1, 1, 10
      Vector w(dim), u(dim);
      draws.fill_normal(w);
      draws.fill_normal(u);
      w *= scale;
      u *= scale;
      // Every other trial sets the raw w.u to -lambda <= -1, where u itself would not be
      // invertible. Beyond lambda ~ 30, 1 + w.u_hat = softplus(-lambda) falls below the
      // rounding of w.z and a monotone step cannot be seen in double precision.
      if (trial % 2 == 1) u = -(1 + 19 * draws.uniform()) * w / w.squaredNorm();
      const double b = draws.normal();
      flow->slice("layers[0].u") = u;
      flow->slice("layers[0].w") = w;
      flow->slice("layers[0].b")(0, 0) = b;
      CAPTURE(activation);
      CAPTURE(trial);
      CAPTURE(w.dot(u));

      // At a = w.x + b = 1, z - x = u_hat h(1), which measures c = w.u_hat.
      const Vector x1 = (1 - b) * w / w.squaredNorm();
      const double h1 = activation == "tanh" ? std::tanh(1.0) : 1.0;
      const double c = w.dot(forward_one(*flow->bijection, x1) - x1) / h1;
      CHECK(c >= -1.0 - 1e-13);  // c > -1 exactly; the measurement rounds

      // w.z increases strictly along w through the steepest point a = 0.
      const Vector direction = w / w.norm();
      const Vector x0 = -b * w / w.squaredNorm();
      // For leaky_relu, w.z = (1 + c) a - b for a >= 0, and 1 + c = softplus(w.u) drops
      // below the rounding of w.z once w.u < -20 or so: invertible, but flat in double.
      if (activation == "leaky_relu" && w.dot(u) < -20) continue;
      double previous = -std::numeric_limits<double>::infinity();
      for (int k = -20; k <= 20; ++k) {
        const double along = w.dot(forward_one(*flow->bijection, x0 + 0.05 * k / w.norm() * direction));
        CHECK(along > previous);
        previous = along;
      }
    }
}

TEST_CASE("the inverse converges for large |w| and for u_hat at the boundary w.u_hat = -1") {
  const Index dim = 2;
  for (const std::string activation : {"tanh", "leaky_relu"})
    for (const double w_scale : {1e-3, 1.0, 1e3})
      for (const double raw_wu : {-60.0, -20.0, -1.0, 0.0, 3.0, 40.0}) {
        CAPTURE(activation);
        CAPTURE(w_scale);
        CAPTURE(raw_wu);
        auto flow = build_flow(planar(activation, 1.0), dim);
        const Vector w = w_scale * Vector{{0.6, -0.8}};
        flow->slice("layers[0].w") = w;
        // u's component across w is 1 / |w|, so |u_hat| |w|, the forward's own
        // amplification of rounding, stays moderate and the check measures the solve.
        flow->slice("layers[0].u") = raw_wu * w / w.squaredNorm() + Vector{{0.8, 0.6}} / w_scale;
        flow->slice("layers[0].b")(0, 0) = 0.25;
        // Points spread over pre-activations from about -4 |w| to 4 |w| (and exactly at a = 0).
        Matrix z = normal_matrix(dim, 64, 3, 4.0);
        z.col(0) = -0.25 * w / w.squaredNorm();
        Matrix x(dim, z.cols()), back(dim, z.cols());
        Vector inverse_logdet(z.cols()), forward_logdet(z.cols());
        Rng noise(0);
        REQUIRE_NOTHROW(flow->bijection->inverse(z, x, inverse_logdet, noise));
        // forward(inverse(z)) = z: the root solve's residual, well conditioned.
        flow->bijection->forward(x, back, forward_logdet, noise, nullptr);
        const double scale = 1 + z.cwiseAbs().maxCoeff() + x.cwiseAbs().maxCoeff();
        CHECK((back - z).cwiseAbs().maxCoeff() <= 1e-14 * scale);
        CHECK(inverse_logdet.allFinite());
        CHECK((inverse_logdet + forward_logdet).cwiseAbs().maxCoeff() <= 1e-12);
      }
}

TEST_CASE("with w = 0 the layer is the translation by u h(b)") {
  auto flow = build_flow(planar("tanh", 1.0), 2);
  flow->slice("layers[0].w").setZero();
  flow->slice("layers[0].b")(0, 0) = 0.7;
  const Vector u = flow->slice("layers[0].u");
  const Matrix x = normal_matrix(2, 5, 6);
  Matrix z(2, 5), back(2, 5);
  Vector logdet(5), inverse_logdet(5);
  Rng noise(0);
  flow->bijection->forward(x, z, logdet, noise, nullptr);
  CHECK((z - (x.colwise() + u * std::tanh(0.7))).cwiseAbs().maxCoeff() <= 1e-15);
  CHECK(logdet.cwiseAbs().maxCoeff() == 0.0);
  flow->bijection->inverse(z, back, inverse_logdet, noise);
  CHECK((back - x).cwiseAbs().maxCoeff() <= 1e-15);
  CHECK(inverse_logdet.cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("a NaN column of z gives NaN in that column of the inverse only") {
  auto flow = build_flow(planar("tanh", 1.0), 2);
  Matrix z = normal_matrix(2, 3, 9);
  z(0, 1) = std::numeric_limits<double>::quiet_NaN();
  Matrix x(2, 3);
  Vector logdet(3);
  Rng noise(0);
  flow->bijection->inverse(z, x, logdet, noise);
  CHECK(x.col(1).hasNaN());
  CHECK(x.col(0).allFinite());
  CHECK(x.col(2).allFinite());
}

TEST_CASE("a chain of 20 planar layers inverts to 1e-10 and passes the backward checks") {
  for (const std::string activation : {"tanh", "leaky_relu"})
    for (const double init_scale : {0.1, 0.5}) {
      CAPTURE(activation);
      CAPTURE(init_scale);
      std::string layers = std::string("[").append(planar_layer(activation, init_scale));
      for (int k = 1; k < 20; ++k) layers += ", " + planar_layer(activation, init_scale);
      layers += "]";
      auto flow = build_flow(layers, 2);
      const Matrix x = normal_matrix(2, 200, 4);
      const InverseCheck inverse = check_inverse(*flow->bijection, x, Rng(0));
      CHECK_MESSAGE(inverse.max_abs_error <= 1e-10, inverse.report());
      CHECK_MESSAGE(inverse.max_logdet_error <= 1e-10, inverse.report());
      // The kit's finite-difference steps suit |w| ~ 0.5; at |w| ~ 0.1 the
      // reparameterization's 1 / |w|^2 puts its Taylor steps outside the asymptotic range.
      if (activation == "tanh" && init_scale == 0.5) {
        const BackwardCheck backward = check_backward(*flow->bijection, flow->store, x.leftCols(5), Rng(0));
        CHECK_MESSAGE(backward.passes(), backward.report());
      }
    }
}

TEST_CASE("planar rejects a bad configuration and mismatched shapes") {
  CHECK_THROWS_AS(build_flow("[{type: planar, activation: relu}]", 2), ConfigError);
  CHECK_THROWS_AS(build_flow("[{type: planar, activation: leaky_relu, negative_slope: 1.0}]", 2), ConfigError);
  CHECK_THROWS_AS(build_flow("[{type: planar, init_scale: 0.0}]", 2), ConfigError);
  auto flow = build_flow(planar("tanh", 0.1), 2);
  Matrix x = normal_matrix(3, 4, 1), z(3, 4);
  Vector logdet(4);
  Rng noise(0);
  CHECK_THROWS_WITH_AS(flow->bijection->forward(x, z, logdet, noise, nullptr),
                       doctest::Contains("layers[0]: planar forward of a 3 x 4 batch"), DataError);
}

TEST_CASE("planar's backward without a tape recomputes what forward's tape keeps") {
  auto flow = build_flow(planar("tanh", 0.8), 3);
  const Matrix x = normal_matrix(3, 6, 1);
  const Matrix z_bar = normal_matrix(3, 6, 2);
  const Vector logdet_bar = normal_matrix(6, 1, 3);
  Matrix z(3, 6), kept_x_bar(3, 6), recomputed_x_bar(3, 6);
  Vector logdet(6);
  Vector kept_theta_bar = Vector::Zero(flow->store.size()), recomputed_theta_bar = kept_theta_bar;
  Rng noise(0);
  std::unique_ptr<Tape> tape;
  flow->bijection->forward(x, z, logdet, noise, &tape);
  REQUIRE(tape != nullptr);
  flow->bijection->backward(tape.get(), x, z, z_bar, logdet_bar, kept_x_bar, kept_theta_bar);
  flow->bijection->backward(nullptr, x, z, z_bar, logdet_bar, recomputed_x_bar, recomputed_theta_bar);
  REQUIRE(kept_theta_bar.norm() > 0);
  CHECK(kept_x_bar == recomputed_x_bar);
  CHECK(kept_theta_bar == recomputed_theta_bar);
  const Matrix other = normal_matrix(3, 2, 4);
  Matrix other_bar(3, 2);
  CHECK_THROWS_WITH_AS(
      flow->bijection->backward(tape.get(), other, other, other, Vector::Zero(2), other_bar, recomputed_theta_bar),
      "layers[0]: planar backward of a batch of 2 with the tape of a batch of 6", DataError);
}

}  // namespace
}  // namespace liouville::testing
