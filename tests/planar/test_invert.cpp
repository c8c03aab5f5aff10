// The invert combinator around planar layers: its directions are the inner
// bijection's swapped, and its reverse mode (by the implicit function theorem)
// passes the conformance kit's finite-difference and Taylor checks.
#include <doctest/doctest.h>

#include <string>

#include "liouville/core/errors.hpp"
#include "liouville/testing/bijection_conformance.hpp"
#include "planar_fixture.hpp"

namespace liouville::testing {
namespace {

TEST_CASE("invert(planar) round-trips and passes the logdet and backward checks") {
  for (const std::string activation : {"tanh", "leaky_relu"})
    for (const Index dim : {1, 2, 5}) {
      CAPTURE(activation);
      CAPTURE(dim);
      auto flow = build_flow(
          "[{type: invert, bijection: {type: planar, activation: " + activation + ", init_scale: 1.0}}]", dim,
          40 + dim);
      REQUIRE(flow->store.find("layers[0].bijection.w") != nullptr);
      flow->slice("layers[0].bijection.b")(0, 0) = 0.4;
      Matrix x = normal_matrix(dim, 12, 3 * dim);
      if (activation == "leaky_relu") {
        // invert's forward is planar's inverse; keep the points whose root a
        // (planar's pre-activation at the image) stays away from the kink.
        Matrix z(dim, x.cols());
        Vector logdet(x.cols());
        Rng noise(0);
        flow->bijection->forward(x, z, logdet, noise, nullptr);
        const Vector w = flow->slice("layers[0].bijection.w");
        const double b = flow->slice("layers[0].bijection.b")(0, 0);
        Matrix kept(dim, x.cols());
        Index n = 0;
        for (Index j = 0; j < x.cols(); ++j)
          if (std::abs(w.dot(z.col(j)) + b) >= 0.2) kept.col(n++) = x.col(j);
        x = kept.leftCols(n);
      }
      REQUIRE(x.cols() >= 4);
      const Rng noise(2);
      check_bijection_conformance(*flow->bijection, flow->store, x, noise);
    }
}

TEST_CASE("invert(invert(planar)) has planar's forward, logdet and reverse mode") {
  const Index dim = 3;
  auto once = build_flow("[{type: planar, init_scale: 1.0}]", dim, 8);
  auto twice = build_flow(
      "[{type: invert, bijection: {type: invert, bijection: {type: planar, init_scale: 1.0}}}]", dim, 8);
  REQUIRE(once->store.size() == twice->store.size());
  REQUIRE(once->store.values() == twice->store.values());
  const Matrix x = normal_matrix(dim, 7, 1);
  const Matrix z_bar = normal_matrix(dim, 7, 2);
  const Vector logdet_bar = normal_matrix(7, 1, 3);
  Matrix z1(dim, 7), z2(dim, 7), x_bar1(dim, 7), x_bar2(dim, 7);
  Vector logdet1(7), logdet2(7);
  Vector theta_bar1 = Vector::Zero(once->store.size()), theta_bar2 = Vector::Zero(twice->store.size());
  std::unique_ptr<Tape> tape1, tape2;
  Rng noise(0);
  once->bijection->forward(x, z1, logdet1, noise, &tape1);
  twice->bijection->forward(x, z2, logdet2, noise, &tape2);
  CHECK((z1 - z2).cwiseAbs().maxCoeff() <= 1e-12);
  CHECK((logdet1 - logdet2).cwiseAbs().maxCoeff() <= 1e-12);
  once->bijection->backward(tape1.get(), x, z1, z_bar, logdet_bar, x_bar1, theta_bar1);
  twice->bijection->backward(tape2.get(), x, z2, z_bar, logdet_bar, x_bar2, theta_bar2);
  CHECK((x_bar1 - x_bar2).cwiseAbs().maxCoeff() <= 1e-10 * (1 + x_bar1.cwiseAbs().maxCoeff()));
  CHECK((theta_bar1 - theta_bar2).cwiseAbs().maxCoeff() <= 1e-10 * (1 + theta_bar1.cwiseAbs().maxCoeff()));
}

TEST_CASE("invert needs its inner bijection and its own tape") {
  CHECK_THROWS_AS(build_flow("[{type: invert}]", 2), ConfigError);
  auto flow = build_flow("[{type: invert, bijection: {type: planar}}]", 2);
  const Matrix x = normal_matrix(2, 3, 1);
  Matrix x_bar(2, 3);
  Vector theta_bar = Vector::Zero(flow->store.size());
  CHECK_THROWS_WITH_AS(flow->bijection->backward(nullptr, x, x, x, Vector::Zero(3), x_bar, theta_bar),
                       doctest::Contains("layers[0]: invert backward needs the tape"), NotSupported);
}

}  // namespace
}  // namespace liouville::testing
