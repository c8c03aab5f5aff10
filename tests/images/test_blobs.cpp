// blobs against its definition: channel-major C x H x W images whose channels
// are sums of 1..bumps Gaussian bumps (each separable, so of rank one as an
// H x W matrix) plus N(0, noise^2) pixel noise.
#include <doctest/doctest.h>

#include <Eigen/SVD>
#include <cmath>
#include <memory>
#include <string>

#include "liouville/core/dataset.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"

using namespace liouville;

namespace {

const Registry& image_registry() {
  static const Registry registry = [] {
    Registry r;
    r.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_images.so");
    return r;
  }();
  return registry;
}

std::shared_ptr<Dataset> make_blobs(const std::string& fields) {
  Schema top;
  top.component("data", Dataset::kInterface).required();
  const Params params = bind(ConfigDocument::from_string("data: {type: blobs, " + fields + "}\n", "test.yaml"),
                             top, image_registry());
  ParameterStore store;
  Rng rng(1);
  RegistryBuildContext context(image_registry(), store, rng, 0);
  return context.create<Dataset>(params, "data");
}

// Channel c of sample j as an H x W matrix (row h, column w).
Matrix channel_image(const Matrix& x, Index j, Index c, Index height, Index width) {
  return Eigen::Map<const Matrix>(x.col(j).data() + c * height * width, width, height).transpose();
}

}  // namespace

TEST_CASE("blobs draws channel-major images of single bumps: rank one, peak in [0.39, 1]") {
  const Index channels = 2, height = 6, width = 8;
  const auto blobs = make_blobs("shape: [2, 6, 8], bumps: 1, width: 1.5, noise: 1.0e-9, n: 50");
  REQUIRE(blobs->dim() == channels * height * width);
  Rng rng(3);
  const Matrix x = blobs->training_data(rng);
  REQUIRE(x.cols() == 50);
  for (Index j = 0; j < x.cols(); ++j)
    for (Index c = 0; c < channels; ++c) {
      const Matrix image = channel_image(x, j, c, height, width);
      const Vector singular = Eigen::JacobiSVD<Matrix>(image).singularValues();
      CHECK(singular(1) <= 1e-7 * singular(0));
      // Amplitude in [0.5, 1]; some pixel lies within half a pixel of the centre in each axis.
      CHECK(image.maxCoeff() <= 1 + 1e-8);
      CHECK(image.maxCoeff() >= 0.5 * std::exp(-0.25 / (1.5 * 1.5)) - 1e-8);
    }
}

TEST_CASE("blobs draws 1 or 2 bumps with equal odds") {
  const Index side = 8, n = 4000;
  const auto blobs = make_blobs("bumps: 2, noise: 1.0e-9");
  REQUIRE(blobs->dim() == side * side);  // default shape [1, 8, 8]
  Rng rng(4);
  const Matrix x = blobs->sample(n, rng);
  // Two bumps are of rank two unless their centres share a row or a column exactly.
  Index two_bumps = 0;
  for (Index j = 0; j < n; ++j) {
    const Vector singular = Eigen::JacobiSVD<Matrix>(channel_image(x, j, 0, side, side)).singularValues();
    if (singular(1) > 1e-6 * singular(0)) ++two_bumps;
  }
  const double fraction = static_cast<double>(two_bumps) / static_cast<double>(n);
  CHECK(std::abs(fraction - 0.5) <= 4 * std::sqrt(0.25 / static_cast<double>(n)));
}

TEST_CASE("blobs adds pixel noise of the given deviation") {
  const Index side = 8, n = 4000;
  const double noise = 0.05;
  const auto blobs = make_blobs("bumps: 1, noise: 0.05");
  Rng rng(5);
  const Matrix x = blobs->sample(n, rng);
  // Beside a rank-one bump well above the noise, the best rank-one fit leaves
  // noise alone, of expected energy noise^2 (H - 1)(W - 1).
  double residual = 0;
  for (Index j = 0; j < n; ++j)
    residual +=
        Eigen::JacobiSVD<Matrix>(channel_image(x, j, 0, side, side)).singularValues().tail(side - 1).squaredNorm();
  CHECK(residual / static_cast<double>(n) ==
        doctest::Approx(noise * noise * (side - 1) * (side - 1)).epsilon(0.05));
}

TEST_CASE("blobs refuses a bad shape and has no closed-form density") {
  CHECK_THROWS_AS(make_blobs("shape: [1, 8]"), ConfigError);
  CHECK_THROWS_AS(make_blobs("shape: [0, 8, 8]"), ConfigError);
  const auto blobs = make_blobs("n: 3");
  CHECK(blobs->can_sample());
  CHECK_FALSE(blobs->has_log_density());
  Vector log_p(1);
  CHECK_THROWS_AS(blobs->log_density(Matrix::Zero(64, 1), log_p), NotSupported);
}
