#include <doctest/doctest.h>

#include "glowparts_fixture.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

// A batch far from standardized: coordinate i has mean 3 i - 2 and std i + 0.5.
Matrix shifted_batch(Index dim, Index batch, std::uint64_t seed) {
  Matrix x = sample_batch(dim, batch, seed);
  for (Index i = 0; i < dim; ++i) x.row(i) = (x.row(i).array() * (i + 0.5) + (3.0 * i - 2)).matrix();
  return x;
}

Matrix apply(const Bijection& bijection, const Matrix& x) {
  Matrix z(x.rows(), x.cols());
  Vector logdet(x.cols());
  Rng noise(1);
  bijection.forward(x, z, logdet, noise, nullptr);
  return z;
}

}  // namespace

TEST_CASE("actnorm passes the bijection checks with random parameters") {
  for (Index dim : {2, 3, 5}) {
    CAPTURE(dim);
    ParameterStore store;
    const auto actnorm = build_bijection("type: actnorm, data_init: false", dim, store);
    randomize(store, 3);
    check_bijection(*actnorm, store, sample_batch(dim, 6, 4));
  }
}

TEST_CASE("actnorm passes the bijection checks after its data-dependent initialization") {
  for (Index dim : {2, 3, 5}) {
    CAPTURE(dim);
    ParameterStore store;
    const auto actnorm = build_bijection("type: actnorm", dim, store);
    check_bijection(*actnorm, store, shifted_batch(dim, 6, 4));
  }
}

TEST_CASE("actnorm's data-dependent initialization standardizes the first batch only") {
  const Index dim = 3;
  ParameterStore store;
  const auto actnorm = build_bijection("type: actnorm", dim, store);
  const Matrix first = shifted_batch(dim, 500, 7);
  const Matrix z = apply(*actnorm, first);
  const Vector mean = z.rowwise().mean();
  const Vector variance = (z.colwise() - mean).array().square().rowwise().mean();
  CHECK(mean.cwiseAbs().maxCoeff() <= 1e-12);
  CHECK((variance.array() - 1).abs().maxCoeff() <= 1e-5);  // eps = 1e-6 in std + eps

  const Vector initialized = store.values();
  CHECK(initialized.cwiseAbs().minCoeff() > 0);
  const Matrix second = shifted_batch(dim, 500, 8) * 2;
  apply(*actnorm, second);
  CHECK(store.values() == initialized);
  CHECK(apply(*actnorm, first) == z);
}

TEST_CASE("actnorm keeps restored parameters and honours data_init: false") {
  const Index dim = 2;
  const Matrix x = shifted_batch(dim, 50, 9);
  {
    ParameterStore store;
    const auto actnorm = build_bijection("type: actnorm", dim, store);
    randomize(store, 10);  // as if read from a checkpoint
    const Vector restored = store.values();
    apply(*actnorm, x);
    CHECK(store.values() == restored);
  }
  {
    ParameterStore store;
    const auto actnorm = build_bijection("type: actnorm, data_init: false", dim, store);
    CHECK(apply(*actnorm, x) == x);
    CHECK(store.values().isZero(0));
  }
}

TEST_CASE("actnorm refuses a first batch too small to initialize from") {
  ParameterStore store;
  const auto actnorm = build_bijection("type: actnorm", 2, store);
  CHECK_THROWS_WITH_AS(apply(*actnorm, sample_batch(2, 1, 1)), doctest::Contains("layer: actnorm"), DataError);
  CHECK(apply(*actnorm, shifted_batch(2, 10, 2)).allFinite());  // a later, larger batch initializes
  CHECK(!store.values().isZero(0));
}

TEST_CASE("actnorm on images passes the bijection checks, with random parameters and after its initialization") {
  for (const TestShape& shape : test_shapes()) {
    CAPTURE(shape_key(shape.channels, shape.height, shape.width));
    const std::string keys = shape_key(shape.channels, shape.height, shape.width);
    {
      ParameterStore store;
      const auto actnorm = build_bijection("type: actnorm, data_init: false, " + keys, shape.size(), store);
      randomize(store, 3);
      check_image_bijection(*actnorm, store, sample_batch(shape.size(), 4, 4));
    }
    ParameterStore store;
    const auto actnorm = build_bijection("type: actnorm, " + keys, shape.size(), store);
    check_image_bijection(*actnorm, store, shifted_batch(shape.size(), 4, 5));
  }
}

TEST_CASE("actnorm on images keeps one scale and bias per channel, initialized over samples and pixels") {
  const Index channels = 3, height = 4, width = 5, pixels = height * width;
  ParameterStore store;
  const auto actnorm =
      build_bijection("type: actnorm, " + shape_key(channels, height, width), channels * pixels, store);
  REQUIRE(store.find("layer.log_scale") != nullptr);
  CHECK(store.find("layer.log_scale")->rows == channels);
  CHECK(store.find("layer.bias")->rows == channels);

  // Channel c: mean 3 c - 2, standard deviation c + 0.5 at every pixel.
  Matrix x = sample_batch(channels * pixels, 200, 6);
  for (Index c = 0; c < channels; ++c)
    x.middleRows(c * pixels, pixels) =
        (x.middleRows(c * pixels, pixels).array() * (c + 0.5) + (3.0 * c - 2)).matrix();
  Matrix z(x.rows(), x.cols());
  Vector logdet(x.cols());
  Rng noise(1);
  actnorm->forward(x, z, logdet, noise, nullptr);
  for (Index c = 0; c < channels; ++c) {
    const auto block = z.middleRows(c * pixels, pixels).array();
    CHECK(std::abs(block.mean()) <= 1e-12);
    CHECK(std::abs((block - block.mean()).square().mean() - 1) <= 1e-5);
  }
  // One scale and bias per channel, the same at every pixel: logdet = H W sum_c s_c.
  const Vector log_scale = store.values().segment(store.find("layer.log_scale")->offset, channels);
  const Vector bias = store.values().segment(store.find("layer.bias")->offset, channels);
  CHECK(logdet(0) == doctest::Approx(pixels * log_scale.sum()).epsilon(1e-14));
  for (Index c = 0; c < channels; ++c) {
    const Matrix expected = (std::exp(log_scale(c)) * x.middleRows(c * pixels, pixels)).array() + bias(c);
    CHECK((z.middleRows(c * pixels, pixels) - expected).cwiseAbs().maxCoeff() <= 1e-12);
  }
}

TEST_CASE("actnorm refuses a shape that does not hold the data dimension") {
  ParameterStore store;
  CHECK_THROWS_WITH_AS(build_bijection("type: actnorm, shape: [2, 4, 4]", 30, store),
                       doctest::Contains("layer.shape: [2, 4, 4] holds 32 values per sample"), ConfigError);
}
