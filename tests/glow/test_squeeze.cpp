// Glow's squeeze (plugins/glow/squeeze.hpp): a permutation of the entries of a
// channel-major image, (C, H, W) -> (4C, H/2, W/2), through the bijection kit.
#include <doctest/doctest.h>

#include <tuple>

#include "image_bijection_checks.hpp"
#include "squeeze.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

Matrix sample_batch(Index dim, Index batch, std::uint64_t seed) {
  Matrix x(dim, batch);
  Rng(seed).fill_normal(x);
  return x;
}

}  // namespace

TEST_CASE("squeeze passes the bijection checks") {
  for (const auto& [c, h, w] : {std::tuple<Index, Index, Index>{1, 4, 4}, {2, 4, 6}, {3, 2, 2}}) {
    // CAPTURE cannot capture a structured binding in clang 14.
    const std::string shape = ImageShape{c, h, w}.to_string();
    CAPTURE(shape);

    const glow::Squeeze squeeze("squeeze", {c, h, w});
    REQUIRE(squeeze.dim() == c * h * w);
    CHECK(squeeze.output_shape().to_string() == ImageShape{4 * c, h / 2, w / 2}.to_string());
    ParameterStore store;
    check_image_bijection(squeeze, store, sample_batch(c * h * w, 3, 4));
  }
}

TEST_CASE("squeeze permutes (C, H, W) into (4C, H/2, W/2): z(4c + 2a + b, i, j) = x(c, 2i + a, 2j + b)") {
  const Index c_in = 2, h_in = 4, w_in = 6, dim = c_in * h_in * w_in;
  const glow::Squeeze squeeze("squeeze", {c_in, h_in, w_in});
  const Matrix x = sample_batch(dim, 2, 1);
  Matrix z(dim, 2);
  Vector logdet(2);
  Rng noise(1);
  squeeze.forward(x, z, logdet, noise, nullptr);
  CHECK(logdet.isZero(0));
  const Index h_out = h_in / 2, w_out = w_in / 2;
  for (Index c = 0; c < c_in; ++c)
    for (Index a = 0; a < 2; ++a)
      for (Index b = 0; b < 2; ++b)
        for (Index i = 0; i < h_out; ++i)
          for (Index j = 0; j < w_out; ++j)
            CHECK(z.row(((4 * c + 2 * a + b) * h_out + i) * w_out + j) ==
                  x.row((c * h_in + 2 * i + a) * w_in + 2 * j + b));

  // The image of the identity is a permutation matrix.
  Matrix p(dim, dim);
  Vector zeros(dim);
  squeeze.forward(Matrix::Identity(dim, dim), p, zeros, noise, nullptr);
  CHECK((p.array() == 0 || p.array() == 1).all());
  CHECK((p.rowwise().sum().array() == 1).all());
  CHECK((p.colwise().sum().array() == 1).all());
}

TEST_CASE("squeeze refuses an odd height or width and batches of the wrong size") {
  CHECK_THROWS_WITH_AS(
      glow::Squeeze("flow.squeeze", {1, 3, 4}),
      doctest::Contains("flow.squeeze: squeeze needs an even height and width, got shape [1, 3, 4]"), ConfigError);
  CHECK_THROWS_WITH_AS(glow::Squeeze("flow.squeeze", {2, 4, 1}), doctest::Contains("got shape [2, 4, 1]"),
                       ConfigError);
  const glow::Squeeze squeeze("flow.squeeze", {1, 2, 2});
  Matrix z(4, 2);
  Vector logdet(2);
  Rng noise(1);
  CHECK_THROWS_WITH_AS(squeeze.forward(Matrix::Zero(6, 2), z, logdet, noise, nullptr),
                       doctest::Contains("flow.squeeze: squeeze forward of a 6 x 2 batch"), DataError);
}
