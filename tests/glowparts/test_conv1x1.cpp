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

TEST_CASE("conv1x1 on images passes the bijection checks, at initialization and with random parameters") {
  for (const TestShape& shape : test_shapes()) {
    CAPTURE(shape_key(shape.channels, shape.height, shape.width));
    ParameterStore store;
    const auto conv = build_bijection("type: conv1x1, " + shape_key(shape.channels, shape.height, shape.width),
                                      shape.size(), store);
    check_image_bijection(*conv, store, sample_batch(shape.size(), 4, 4));
    randomize(store, 3);
    check_image_bijection(*conv, store, sample_batch(shape.size(), 4, 5));
  }
}

TEST_CASE("conv1x1 on images applies one C x C map at every pixel, logdet H W log|det W|") {
  const Index channels = 3, height = 2, width = 3, pixels = height * width;
  ParameterStore store;
  const auto conv =
      build_bijection("type: conv1x1, " + shape_key(channels, height, width), channels * pixels, store);
  REQUIRE(store.find("layer.lu") != nullptr);
  CHECK(store.find("layer.lu")->rows == channels);
  randomize(store, 6);
  // W from the same slice read as vector data (shape [C, 1, 1]).
  ParameterStore vector_store;
  const auto vector_conv = build_bijection("type: conv1x1", channels, vector_store);
  vector_store.values() = store.values();
  const Matrix w = weight_of(*vector_conv, channels);

  const Matrix x = sample_batch(channels * pixels, 2, 7);
  Matrix z(x.rows(), x.cols());
  Vector logdet(x.cols());
  Rng noise(1);
  conv->forward(x, z, logdet, noise, nullptr);
  for (Index j = 0; j < x.cols(); ++j)
    for (Index p = 0; p < pixels; ++p) {
      Vector pixel(channels);
      for (Index c = 0; c < channels; ++c) pixel(c) = x(c * pixels + p, j);
      const Vector mixed = w * pixel;
      for (Index c = 0; c < channels; ++c) CHECK(z(c * pixels + p, j) == doctest::Approx(mixed(c)).epsilon(1e-13));
    }
  const Eigen::PartialPivLU<Matrix> lu(w);
  const double log_abs_det = lu.matrixLU().diagonal().cwiseAbs().array().log().sum();
  CHECK(logdet(0) == doctest::Approx(pixels * log_abs_det).epsilon(1e-12));
}
