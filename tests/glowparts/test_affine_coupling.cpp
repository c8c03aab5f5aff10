#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "glowparts_fixture.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

void forward(const Bijection& bijection, const Matrix& x, Matrix& z, Vector& logdet) {
  z.resize(x.rows(), x.cols());
  logdet.resize(x.cols());
  Rng noise(1);
  bijection.forward(x, z, logdet, noise, nullptr);
}

// The rows forward leaves unchanged (the conditioning dimensions).
std::vector<Index> unchanged_rows(const Bijection& bijection, const Matrix& x) {
  Matrix z;
  Vector logdet;
  forward(bijection, x, z, logdet);
  std::vector<Index> rows;
  for (Index i = 0; i < x.rows(); ++i)
    if (z.row(i) == x.row(i)) rows.push_back(i);
  return rows;
}

}  // namespace

TEST_CASE("affine_coupling passes the bijection checks for every scale map, mask and activation") {
  for (const std::string scale : {"exp", "exp_tanh", "sigmoid"})
    for (const std::string mask : {"half", "alternating"})
      for (const std::string activation : {"tanh", "relu", "softplus"})
        for (Index dim : {2, 3, 5}) {
          CAPTURE(scale);
          CAPTURE(mask);
          CAPTURE(activation);
          CAPTURE(dim);
          ParameterStore store;
          const auto coupling = build_bijection("type: affine_coupling, hidden: [4, 3], scale: " + scale +
                                                    ", mask: " + mask + ", activation: " + activation,
                                                dim, store);
          randomize(store, 3);
          check_bijection(*coupling, store, sample_batch(dim, 6, 4));
        }
}

TEST_CASE("affine_coupling conditions on the dimensions its mask names") {
  const Matrix x = sample_batch(5, 4, 2);
  const auto rows = [&](const std::string& keys) {
    ParameterStore store;
    const auto coupling = build_bijection("type: affine_coupling, hidden: [3], scale: exp, " + keys, 5, store);
    randomize(store, 5);
    return unchanged_rows(*coupling, x);
  };
  CHECK(rows("mask: half") == std::vector<Index>{0, 1, 2});
  CHECK(rows("mask: half, flip: true") == std::vector<Index>{3, 4});
  CHECK(rows("mask: alternating") == std::vector<Index>{0, 2, 4});
  CHECK(rows("mask: alternating, flip: true") == std::vector<Index>{1, 3});
}

TEST_CASE("affine_coupling's scale maps: exp(r), exp(tanh(r)), sigmoid(r + 2)") {
  // With the output layer's weight at zero (its initial value) the raw scale r and
  // the shift t are the output bias, the same for every sample.
  const double r = 0.7, t = -0.3;
  const Matrix x = sample_batch(2, 6, 3);
  for (const std::string scale : {"exp", "exp_tanh", "sigmoid"}) {
    CAPTURE(scale);
    ParameterStore store;
    const auto coupling = build_bijection("type: affine_coupling, hidden: [4], scale: " + scale, 2, store);
    Matrix z;
    Vector logdet;
    forward(*coupling, x, z, logdet);
    const double at_init = scale == "sigmoid" ? 1 / (1 + std::exp(-2.0)) : 1.0;
    CHECK((z.row(1) - at_init * x.row(1)).cwiseAbs().maxCoeff() <= 1e-15);

    const ParameterSliceInfo* bias = store.find("layer.conditioner.layers[1].bias");
    REQUIRE(bias != nullptr);
    store.values().segment(bias->offset, 2) << r, t;
    forward(*coupling, x, z, logdet);
    const double expected = scale == "exp"        ? std::exp(r)
                            : scale == "exp_tanh" ? std::exp(std::tanh(r))
                                                  : 1 / (1 + std::exp(-(r + 2)));
    CHECK((z.row(1) - (expected * x.row(1)).array().matrix() - Matrix::Constant(1, 6, t)).cwiseAbs().maxCoeff() <=
          1e-14);
    CHECK((logdet.array() - std::log(expected)).abs().maxCoeff() <= 1e-14);
    CHECK(z.row(0) == x.row(0));
  }
}

TEST_CASE("affine_coupling refuses dimension 1 and bad widths clearly") {
  ParameterStore store;
  CHECK_THROWS_WITH_AS(build_bijection("type: affine_coupling, hidden: [4]", 1, store),
                       doctest::Contains("nothing to couple"), ConfigError);
  CHECK_THROWS_AS(build_bijection("type: affine_coupling, hidden: [0]", 2, store), Error);
}

TEST_CASE("affine_coupling on images passes the bijection checks with its convolutional conditioner") {
  for (const std::string scale : {"exp", "exp_tanh", "sigmoid"})
    for (const std::string mask : {"half", "alternating"})
      for (const TestShape& shape : test_shapes()) {
        CAPTURE(scale);
        CAPTURE(mask);
        CAPTURE(shape_key(shape.channels, shape.height, shape.width));
        ParameterStore store;
        const auto coupling =
            build_bijection("type: affine_coupling, hidden: [4, 3], activation: tanh, scale: " + scale +
                                ", mask: " + mask + ", " + shape_key(shape.channels, shape.height, shape.width),
                            shape.size(), store);
        randomize(store, 3);
        check_image_bijection(*coupling, store, sample_batch(shape.size(), 3, 4));
      }
}

TEST_CASE("affine_coupling on images conditions on whole channels, through 3 x 3 neighbourhoods") {
  const Index channels = 2, side = 8, pixels = side * side;
  ParameterStore store;
  const auto coupling = build_bijection(
      "type: affine_coupling, hidden: [4, 4], activation: tanh, scale: exp, " + shape_key(channels, side, side),
      channels * pixels, store);
  randomize(store, 5);
  const Matrix x = sample_batch(channels * pixels, 1, 2);
  std::vector<Index> first_channel(pixels);
  for (Index p = 0; p < pixels; ++p) first_channel[p] = p;
  CHECK(unchanged_rows(*coupling, x) == first_channel);

  // conv3x3 -> conv1x1 -> conv3x3: pixel (3, 3) of the conditioning channel
  // reaches the transformed channel within two pixels of it, and no further.
  Matrix z, z_moved;
  Vector logdet;
  forward(*coupling, x, z, logdet);
  Matrix moved = x;
  moved(3 * side + 3, 0) += 1;
  forward(*coupling, moved, z_moved, logdet);
  for (Index h = 0; h < side; ++h)
    for (Index w = 0; w < side; ++w) {
      CAPTURE(h);
      CAPTURE(w);
      const bool reached = std::abs(z_moved(pixels + h * side + w, 0) - z(pixels + h * side + w, 0)) > 0;
      CHECK(reached == (std::abs(h - 3) <= 2 && std::abs(w - 3) <= 2));
    }
}

TEST_CASE("affine_coupling refuses an image of one channel and a shape that does not hold the data") {
  ParameterStore store;
  CHECK_THROWS_WITH_AS(build_bijection("type: affine_coupling, hidden: [4], shape: [1, 4, 4]", 16, store),
                       doctest::Contains("nothing to couple in shape [1, 4, 4]"), ConfigError);
  CHECK_THROWS_WITH_AS(build_bijection("type: affine_coupling, hidden: [4], shape: [2, 4, 4]", 16, store),
                       doctest::Contains("layer.shape"), ConfigError);
}

TEST_CASE("affine_coupling's backward without a tape recomputes what forward's tape keeps") {
  const Index dim = 5;
  ParameterStore store;
  const auto coupling =
      build_bijection("type: affine_coupling, hidden: [6, 6], activation: softplus, scale: sigmoid", dim, store);
  randomize(store, 2);
  const Matrix x = sample_batch(dim, 7, 3);
  const Matrix z_bar = sample_batch(dim, 7, 4);
  const Vector logdet_bar = sample_batch(7, 1, 5);
  Matrix z(dim, 7);
  Vector logdet(7);
  Rng noise(1);
  std::unique_ptr<Tape> tape;
  coupling->forward(x, z, logdet, noise, &tape);
  REQUIRE(tape != nullptr);
  Matrix kept_x_bar(dim, 7), recomputed_x_bar(dim, 7);
  Vector kept_theta_bar = Vector::Zero(store.size()), recomputed_theta_bar = Vector::Zero(store.size());
  coupling->backward(tape.get(), x, z, z_bar, logdet_bar, kept_x_bar, kept_theta_bar);
  coupling->backward(nullptr, x, z, z_bar, logdet_bar, recomputed_x_bar, recomputed_theta_bar);
  REQUIRE(kept_theta_bar.norm() > 0);
  CHECK(kept_x_bar == recomputed_x_bar);
  CHECK(kept_theta_bar == recomputed_theta_bar);

  const Matrix other = sample_batch(dim, 4, 6);
  Matrix other_bar(dim, 4);
  CHECK_THROWS_WITH_AS(
      coupling->backward(tape.get(), other, other, other, Vector::Zero(4), other_bar, recomputed_theta_bar),
      "layer: affine_coupling backward of a batch of 4 with the tape of a batch of 7", DataError);
}
