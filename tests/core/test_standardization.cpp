#include <doctest/doctest.h>

#include "liouville/core/errors.hpp"
#include "liouville/core/standardization.hpp"
#include "liouville/testing/bijection_conformance.hpp"

using namespace liouville;
using liouville::testing::check_bijection_conformance;

TEST_CASE("standardization: fitted mean and scale, unit moments, a bijection with its log-det") {
  Matrix data(2, 500);
  Rng(3).fill_normal(data);
  data.row(0) = data.row(0).array() * 4 + 10;
  data.row(1) = data.row(1).array() * 0.25 - 1;
  const std::shared_ptr<Standardization> fitted = Standardization::fit(data);
  const Standardization& standardization = *fitted;
  Matrix z(2, 500);
  Vector logdet(500);
  Rng noise(0);
  standardization.forward(data, z, logdet, noise, nullptr);
  CHECK(z.rowwise().mean().norm() < 1e-12);
  CHECK((z.array().square().rowwise().mean() - 1).matrix().norm() < 1e-12);
  CHECK(logdet[0] == doctest::Approx(-std::log(standardization.scale().prod())).epsilon(1e-14));
  ParameterStore store;
  check_bijection_conformance(standardization, store, data.leftCols(8), noise);
}

TEST_CASE("standardization refuses what it cannot fit") {
  Matrix constant = Matrix::Ones(2, 10);
  constant.row(0).setLinSpaced(10, 0, 1);
  CHECK_THROWS_WITH_AS(Standardization::fit(constant), doctest::Contains("coordinate 1 is constant"), DataError);
  CHECK_THROWS_AS(Standardization::fit(Matrix::Ones(2, 1)), DataError);
  CHECK_THROWS_AS(Standardization(Vector::Zero(2), Vector::Zero(2)), ConfigError);
  CHECK_THROWS_AS(Standardization(Vector::Zero(2), Vector::Ones(3)), ConfigError);
}
