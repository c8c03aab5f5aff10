// The glow bijection built through the registry as the host builds it: the
// bijection kit (round trip, logdet against the brute-force Jacobian, reverse
// mode against finite differences and Taylor tests) on vectors and on images over
// several levels, its parameter layout, the output ordering of the multiscale
// split, and the refusal of shapes it cannot squeeze.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <tuple>

#include "image_bijection_checks.hpp"
#include "liouville/core/bijection.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"
#include "liouville/testing/bijection_conformance.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

const Registry& glow_registry() {
  static const Registry registry = [] {
    Registry r;
    for (const char* name : {"glow", "actnorm", "conv1x1", "affine_coupling"})
      r.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_" + name + ".so");
    return r;
  }();
  return registry;
}

// The bijection `{<keys>}` at config key "flow", its slices in `store`.
std::shared_ptr<Bijection> build(const std::string& keys, Index dim, ParameterStore& store,
                                 std::uint64_t seed = 3) {
  Schema top;
  top.component("flow", Bijection::kInterface).required();
  const Params params =
      bind(ConfigDocument::from_string("flow: {" + keys + "}\n", "glow_test"), top, glow_registry());
  Rng init(seed);
  RegistryBuildContext context(glow_registry(), store, init, dim);
  return context.create<Bijection>(params, "flow");
}

Index parameter_count(const std::string& keys, Index dim) {
  ParameterStore store;
  build(keys, dim, store);
  return store.size();
}

Matrix sample_batch(Index dim, Index batch, std::uint64_t seed) {
  Matrix x(dim, batch);
  Rng(seed).fill_normal(x);
  return x;
}

void check_bijection(const Bijection& bijection, ParameterStore& store, const Matrix& x) {
  BijectionTolerances tolerances;
  tolerances.parameters_required = true;
  tolerances.backward.taylor_step = 1e-3;
  check_bijection_conformance(bijection, store, x, Rng(5), tolerances);
}

}  // namespace

TEST_CASE("glow passes the bijection checks at its initialization and away from it") {
  for (Index dim : {2, 3}) {
    for (int steps : {2, 3}) {
      CAPTURE(dim);
      CAPTURE(steps);
      ParameterStore store;
      const auto glow =
          build("type: glow, steps: " + std::to_string(steps) + ", hidden: [6, 6], activation: tanh", dim, store);
      REQUIRE(glow->dim() == dim);
      Matrix x = sample_batch(dim, 6, 4);
      x.array() = 2 * x.array() + 1;
      check_bijection(*glow, store, x);  // the first forward initializes every actnorm
      Vector noise(store.size());
      Rng(8).fill_normal(noise);
      store.values() += 0.3 * noise;
      check_bijection(*glow, store, x);
    }
  }
}

TEST_CASE("glow holds K steps of actnorm, conv1x1 and an affine coupling whose flip alternates") {
  const std::string coupling = "type: affine_coupling, hidden: [7], activation: relu, scale: sigmoid";
  for (Index dim : {2, 3}) {
    CAPTURE(dim);
    const Index even_step = parameter_count("type: actnorm", dim) + parameter_count("type: conv1x1", dim) +
                            parameter_count(coupling + ", flip: false", dim);
    const Index odd_step = parameter_count("type: actnorm", dim) + parameter_count("type: conv1x1", dim) +
                           parameter_count(coupling + ", flip: true", dim);
    for (int steps : {1, 2, 3}) {
      CAPTURE(steps);
      ParameterStore store;
      build("type: glow, hidden: [7], steps: " + std::to_string(steps), dim, store);
      CHECK(store.size() == (steps + 1) / 2 * even_step + steps / 2 * odd_step);
      for (int k = 0; k < steps; ++k) {
        const std::string step = "flow.steps[" + std::to_string(k) + "]";
        CHECK(store.find(step + ".actnorm.log_scale") != nullptr);
        CHECK(store.find(step + ".conv1x1.lu") != nullptr);
      }
      CHECK(store.find("flow.steps[" + std::to_string(steps) + "].actnorm.log_scale") == nullptr);
    }
  }
}

namespace {

void randomize(ParameterStore& store, std::uint64_t seed, double scale) {
  Vector noise(store.size());
  Rng(seed).fill_normal(noise);
  store.values() += scale * noise;
}

Matrix forward(const Bijection& bijection, const Matrix& x, Vector& logdet) {
  Matrix z(x.rows(), x.cols());
  logdet.resize(x.cols());
  Rng noise(1);
  bijection.forward(x, z, logdet, noise, nullptr);
  return z;
}

}  // namespace

TEST_CASE("multiscale glow passes the bijection checks on images") {
  for (const auto& [shape, dim, levels] : {std::tuple<std::string, Index, int>{"[1, 4, 4]", 16, 2},
                                           {"[4, 2, 2]", 16, 1},
                                           {"[2, 4, 4]", 32, 2},
                                           {"[1, 8, 8]", 64, 3}}) {
    const std::string& shape_text = shape;  // CAPTURE cannot capture a structured binding in clang 14
    const int level_count = levels;
    CAPTURE(shape_text);
    CAPTURE(level_count);
    ParameterStore store;
    const std::string keys =
        "type: glow, steps: 2, hidden: [4, 3], activation: tanh, levels: " + std::to_string(levels) +
        ", shape: " + shape;
    const auto glow = build(keys, dim, store);
    REQUIRE(glow->dim() == dim);
    Vector logdet;
    forward(*glow, sample_batch(dim, 200, 3), logdet);  // initializes every actnorm
    const Matrix x = sample_batch(dim, 3, 4);
    check_image_bijection(*glow, store, x);
    randomize(store, 8, 0.2);
    check_image_bijection(*glow, store, x);
  }
}

TEST_CASE("glow with 2 levels on 1 x 8 x 8 images round-trips, and level 1's factored half ends z") {
  const std::string keys = "type: glow, steps: 3, hidden: [8, 8], shape: [1, 8, 8]";
  ParameterStore store;
  const auto glow = build(keys + ", levels: 2", 64, store, 7);
  // Squeeze [1, 8, 8] -> [4, 4, 4], split -> [2, 4, 4]; squeeze -> [8, 2, 2].
  REQUIRE(store.find("flow.levels[0].steps[2].conv1x1.lu") != nullptr);
  CHECK(store.find("flow.levels[0].steps[2].conv1x1.lu")->rows == 4);
  REQUIRE(store.find("flow.levels[1].steps[0].actnorm.log_scale") != nullptr);
  CHECK(store.find("flow.levels[1].steps[0].actnorm.log_scale")->rows == 8);
  CHECK(store.find("flow.levels[2].steps[0].actnorm.log_scale") == nullptr);

  Matrix x = sample_batch(64, 20, 3);
  x.array() = 0.5 * x.array() + 0.2;
  Vector logdet;
  const Matrix z = forward(*glow, x, logdet);  // initializes every actnorm
  randomize(store, 4, 0.1);
  const Matrix z_trained = forward(*glow, x, logdet);
  Matrix back(64, 20);
  Vector logdet_inverse(20);
  Rng noise(1);
  glow->inverse(z_trained, back, logdet_inverse, noise);
  CHECK((back - x).cwiseAbs().maxCoeff() <= 1e-10);
  CHECK((logdet + logdet_inverse).cwiseAbs().maxCoeff() <= 1e-10);

  // The same first level alone (levels: 1, built from the same seed, so with the
  // same initial parameters): z = [h_2; f_1], f_1 the second half of its output.
  ParameterStore one_level_store;
  const auto one_level = build(keys + ", levels: 1", 64, one_level_store, 7);
  Vector one_level_logdet;
  const Matrix z_one_level = forward(*one_level, x, one_level_logdet);
  CHECK(z.bottomRows(32) == z_one_level.bottomRows(32));
  CHECK((z.topRows(32) - z_one_level.topRows(32)).cwiseAbs().maxCoeff() > 1e-3);
}

TEST_CASE("glow refuses levels without a shape, a shape it cannot squeeze L times, and a wrong size") {
  ParameterStore store;
  try {
    build("type: glow, steps: 2, levels: 2", 2, store);
    FAIL("levels: 2 was accepted on vector data");
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    CHECK(message.find("flow.levels") != std::string::npos);
    CHECK(message.find("give `shape: [C, H, W]`") != std::string::npos);
  }
  CHECK_NOTHROW(build("type: glow, steps: 2, levels: 1", 2, store));
  CHECK_THROWS_WITH_AS(
      build("type: glow, steps: 1, levels: 2, shape: [1, 6, 6]", 36, store),
      doctest::Contains("flow.levels[1].squeeze: squeeze needs an even height and width, got shape [2, 3, 3]"),
      ConfigError);
  CHECK_THROWS_WITH_AS(
      build("type: glow, steps: 1, shape: [1, 5, 4]", 20, store),
      doctest::Contains("flow.squeeze: squeeze needs an even height and width, got shape [1, 5, 4]"), ConfigError);
  CHECK_THROWS_WITH_AS(build("type: glow, steps: 1, shape: [1, 8, 8]", 32, store),
                       doctest::Contains("flow.shape: [1, 8, 8] holds 64 values per sample"), ConfigError);
}

TEST_CASE("glow with memory: recompute gives the gradients of memory: store and passes the bijection checks") {
  const Index dim = 3;
  const std::string keys = "type: glow, steps: 3, hidden: [6], activation: tanh, memory: ";
  ParameterStore stored_store, recomputed_store;
  const auto stored = build(keys + "store", dim, stored_store);
  const auto recomputed = build(keys + "recompute", dim, recomputed_store);
  const Matrix x = sample_batch(dim, 7, 4);
  const Matrix z_bar = sample_batch(dim, 7, 5);
  const Vector logdet_bar = sample_batch(7, 1, 6);
  Matrix z(dim, 7), x_bar(dim, 7), recomputed_x_bar(dim, 7);
  Vector logdet(7);
  Rng noise(1);
  stored->forward(x, z, logdet, noise, nullptr);  // initializes every actnorm
  recomputed->forward(x, z, logdet, noise, nullptr);
  Vector shift(stored_store.size());
  Rng(8).fill_normal(shift);
  stored_store.values() += 0.3 * shift;
  recomputed_store.values() += 0.3 * shift;
  REQUIRE(stored_store.values() == recomputed_store.values());

  const auto gradient = [&](const Bijection& glow, Matrix& input_bar) {
    Vector theta_bar = Vector::Zero(stored_store.size());
    std::unique_ptr<Tape> tape;
    Rng copy(2);
    glow.forward(x, z, logdet, copy, &tape);
    glow.backward(tape.get(), x, z, z_bar, logdet_bar, input_bar, theta_bar);
    return theta_bar;
  };
  const Vector theta_bar = gradient(*stored, x_bar);
  const Vector recomputed_theta_bar = gradient(*recomputed, recomputed_x_bar);
  REQUIRE(theta_bar.norm() > 0);
  CHECK((theta_bar - recomputed_theta_bar).cwiseAbs().maxCoeff() <= 1e-10);
  CHECK((x_bar - recomputed_x_bar).cwiseAbs().maxCoeff() <= 1e-10);
  check_bijection(*recomputed, recomputed_store, x);
}
