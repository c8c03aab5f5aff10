// example/radial: the installed bijection conformance kit (round trip, logdet
// against the finite-difference Jacobian, reverse mode against finite
// differences and Taylor tests), the closed form of eq. 14, and its errors.
#include <doctest/doctest.h>

#include <cmath>
#include <liouville/testing/bijection_conformance.hpp>

#include "example_registry.hpp"

namespace example::testing {
namespace {

using liouville::Bijection;
using liouville::Index;
using liouville::Matrix;
using liouville::ParameterStore;
using liouville::Rng;
using liouville::Vector;

// The raw value whose softplus is `value`.
double inverse_softplus(double value) { return std::log(std::expm1(value)); }

}  // namespace

TEST_CASE("example/radial passes the bijection conformance kit") {
  // beta_raw -3 contracts toward the center (beta near -alpha), 2 expands.
  for (const Index dim : {1, 2, 5})
    for (const double beta_raw : {-3.0, 0.0, 2.0}) {
      CAPTURE(dim);
      CAPTURE(beta_raw);
      ParameterStore store;
      const auto radial = build<Bijection>("{type: example/radial}", store, dim);
      REQUIRE(store.size() == dim + 2);
      Rng(dim).fill_normal(store.values());
      slice(store, "subject.beta")(0, 0) = beta_raw;
      const Matrix x = normal_matrix(dim, 8, 10 + dim);
      liouville::testing::BijectionTolerances tolerances;
      tolerances.parameters_required = true;
      liouville::testing::check_bijection_conformance(*radial, store, x, Rng(1), tolerances);
    }
}

TEST_CASE("example/radial is eq. 14 with alpha = softplus(a), beta = -alpha + softplus(b)") {
  ParameterStore store;
  const auto radial = build<Bijection>("{type: example/radial}", store, 2);
  slice(store, "subject.center") << 1.0, 0.0;
  slice(store, "subject.alpha")(0, 0) = inverse_softplus(1.0);  // alpha = 1
  slice(store, "subject.beta")(0, 0) = inverse_softplus(3.0);   // beta = -1 + 3 = 2
  // r = 3, A = 1 + 2 / (1 + 3) = 1.5, B = 1 + 1 * 2 / 16.
  const Matrix x{{4.0}, {0.0}};
  Matrix z(2, 1);
  Vector logdet(1);
  Rng noise(0);
  radial->forward(x, z, logdet, noise, nullptr);
  CHECK(z(0, 0) == doctest::Approx(5.5).epsilon(1e-14));
  CHECK(z(1, 0) == doctest::Approx(0.0));
  CHECK(logdet[0] == doctest::Approx(std::log(1.5) + std::log(1.125)).epsilon(1e-14));
}

TEST_CASE("example/radial starts as the identity and stays invertible at beta -> -alpha") {
  ParameterStore store;
  const auto radial = build<Bijection>("{type: example/radial, init_scale: 1.0}", store, 3);
  const Matrix x = normal_matrix(3, 6, 4);
  Matrix z(3, 6);
  Vector logdet(6);
  Rng noise(0);
  radial->forward(x, z, logdet, noise, nullptr);
  CHECK((z - x).cwiseAbs().maxCoeff() <= 1e-14);
  CHECK(logdet.cwiseAbs().maxCoeff() == 0.0);

  slice(store, "subject.beta")(0, 0) = -30.0;  // beta = -alpha + 9e-14
  radial->forward(x, z, logdet, noise, nullptr);
  CHECK(z.allFinite());
  CHECK(logdet.allFinite());
  const auto round_trip = liouville::testing::check_inverse(*radial, x, noise);
  CHECK_MESSAGE(round_trip.max_abs_error <= 1e-10, round_trip.report());
  CHECK_MESSAGE(round_trip.max_logdet_error <= 1e-10, round_trip.report());
}

TEST_CASE("example/radial refuses bad shapes and bad parameters, naming where") {
  ParameterStore store;
  const auto radial = build<Bijection>("{type: example/radial}", store, 2);
  Matrix z(3, 4);
  Vector logdet(4);
  Rng noise(0);
  CHECK_THROWS_WITH_AS(radial->forward(Matrix::Zero(3, 4), z, logdet, noise, nullptr),
                       doctest::Contains("subject: radial forward of a 3 x 4 batch"), liouville::DataError);
  ParameterStore other;
  CHECK_THROWS_WITH_AS(build<Bijection>("{type: example/radial, init_scale: -1}", other, 2),
                       doctest::Contains("subject.init_scale"), liouville::ConfigError);
}

}  // namespace example::testing
