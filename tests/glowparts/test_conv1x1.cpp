#include <doctest/doctest.h>

#include <Eigen/LU>

#include "glowparts_fixture.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

// W as the forward image of the identity (z = W x).
Matrix weight_of(const Bijection& conv, Index dim) {
  const Matrix identity = Matrix::Identity(dim, dim);
  Matrix w(dim, dim);
  Vector logdet(dim);
  Rng noise(1);
  conv.forward(identity, w, logdet, noise, nullptr);
  return w;
}

}  // namespace

TEST_CASE("conv1x1 passes the bijection checks, at initialization and with random parameters") {
  for (Index dim : {2, 3, 5}) {
    CAPTURE(dim);
    ParameterStore store;
    const auto conv = build_bijection("type: conv1x1", dim, store);
    check_bijection(*conv, store, sample_batch(dim, 6, 4));
    randomize(store, 3);
    check_bijection(*conv, store, sample_batch(dim, 6, 5));
  }
}

TEST_CASE("conv1x1 starts as a random rotation and is W = L (U + diag(exp(s)))") {
  for (Index dim : {2, 3, 5}) {
    CAPTURE(dim);
    ParameterStore store;
    const auto conv = build_bijection("type: conv1x1", dim, store);
    const Matrix w = weight_of(*conv, dim);
    CHECK((w.transpose() * w - Matrix::Identity(dim, dim)).cwiseAbs().maxCoeff() <= 1e-12);

    randomize(store, 6);
    const ParameterSliceInfo* slice = store.find("layer.lu");
    REQUIRE(slice != nullptr);
    const Matrix packed = Eigen::Map<const Matrix>(store.values().data() + slice->offset, dim, dim);
    Matrix lower = packed.triangularView<Eigen::StrictlyLower>();
    lower.diagonal().setOnes();
    Matrix upper = packed.triangularView<Eigen::StrictlyUpper>();
    upper.diagonal() = packed.diagonal().array().exp();
    const Matrix trained = weight_of(*conv, dim);
    CHECK((trained - lower * upper).cwiseAbs().maxCoeff() <= 1e-12);

    const Eigen::PartialPivLU<Matrix> lu(trained);
    const double log_abs_det = lu.matrixLU().diagonal().cwiseAbs().array().log().sum();
    CHECK(log_abs_det == doctest::Approx(packed.diagonal().sum()).epsilon(1e-12));
    Matrix x(dim, dim);
    Vector logdet(dim);
    Rng noise(1);
    conv->inverse(trained, x, logdet, noise);  // W^{-1} W = I
    CHECK((x - Matrix::Identity(dim, dim)).cwiseAbs().maxCoeff() <= 1e-10);
  }
}
