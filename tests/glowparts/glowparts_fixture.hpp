// Builds the Glow bijections (actnorm, conv1x1, affine_coupling) from YAML text
// through the registry, as the host does, and runs the bijection conformance kit
// on them at the tolerances of issue 3.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "image_bijection_checks.hpp"
#include "liouville/core/bijection.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"
#include "liouville/testing/bijection_conformance.hpp"

namespace liouville::testing {

inline const Registry& glow_registry() {
  static const Registry registry = [] {
    Registry r;
    for (const char* name : {"actnorm", "conv1x1", "affine_coupling"})
      r.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_" + name + ".so");
    return r;
  }();
  return registry;
}

// The bijection `{<keys>}` (e.g. "type: actnorm") at path `key`, its slices in `store`.
inline std::shared_ptr<Bijection> build_bijection(const std::string& keys, Index dim, ParameterStore& store,
                                                  const std::string& key = "layer", std::uint64_t seed = 11) {
  Schema top;
  top.component(key, Bijection::kInterface).required();
  const Params params =
      bind(ConfigDocument::from_string(key + ": {" + keys + "}\n", "glowparts"), top, glow_registry());
  Rng init(seed);
  RegistryBuildContext context(glow_registry(), store, init, dim);
  return context.create<Bijection>(params, key);
}

// Moves every parameter off its initial value (zero last layers, identity
// actnorm) so that every derivative is exercised.
inline void randomize(ParameterStore& store, std::uint64_t seed, double scale = 0.5) {
  Rng rng(seed);
  Vector noise(store.size());
  rng.fill_normal(noise);
  store.values() += scale * noise;
}

// "shape: [C, H, W]" for a YAML flow map.
inline std::string shape_key(Index channels, Index height, Index width) {
  return "shape: [" + std::to_string(channels) + ", " + std::to_string(height) + ", " + std::to_string(width) +
         "]";
}

// Image shapes for the checks: within the kit's brute-force Jacobian (16
// dimensions) and above it, C = 2..4 channels of 4 x 4 pixels.
struct TestShape {
  Index channels, height, width;
  Index size() const { return channels * height * width; }
};
inline const std::vector<TestShape>& test_shapes() {
  static const std::vector<TestShape> shapes{{2, 2, 4}, {4, 2, 2}, {2, 4, 4}, {3, 4, 4}, {4, 4, 4}};
  return shapes;
}

inline Matrix sample_batch(Index dim, Index batch, std::uint64_t seed) {
  Matrix x(dim, batch);
  Rng(seed).fill_normal(x);
  return x;
}

// Round trip <= 1e-10, forward logdet against the brute-force Jacobian <= 1e-8,
// reverse mode against finite differences (<= 1e-6) and Taylor tests in x and theta.
inline void check_bijection(const Bijection& bijection, ParameterStore& store, const Matrix& x) {
  BijectionTolerances tolerances;
  tolerances.parameters_required = true;
  tolerances.backward.taylor_step = 1e-3;  // small enough that the O(h^3) term does not skew the ratios
  check_bijection_conformance(bijection, store, x, Rng(5), tolerances);
}

}  // namespace liouville::testing
