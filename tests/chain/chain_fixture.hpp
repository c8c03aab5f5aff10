// Chains mixing planar, affine_coupling, actnorm and conv1x1 layers, built
// through the registry from YAML as the host builds them, in either memory mode.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "liouville/core/chain.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::testing {

inline const Registry& chain_registry() {
  static const Registry registry = [] {
    Registry r;
    for (const char* name : {"planar", "actnorm", "conv1x1", "affine_coupling"})
      r.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_" + name + ".so");
    return r;
  }();
  return registry;
}

// `steps` repetitions of planar -> actnorm -> conv1x1 -> affine_coupling.
inline std::string mixed_layers(int steps) {
  std::string layers = "[";
  for (int k = 0; k < steps; ++k)
    layers += std::string(k ? ", " : "") +
              "{type: planar}, {type: actnorm, data_init: false}, {type: conv1x1}, "
              "{type: affine_coupling, hidden: [5], activation: tanh, scale: exp_tanh, flip: " +
              (k % 2 ? "true" : "false") + "}";
  return layers + "]";
}

// The layers of `layers` (a YAML flow sequence), their slices in `store`.
inline std::vector<std::shared_ptr<Bijection>> build_layers(const std::string& layers, Index dim,
                                                            ParameterStore& store) {
  Schema top;
  top.component_list("flow", Bijection::kInterface).required();
  const Params params =
      bind(ConfigDocument::from_string("flow: " + layers + "\n", "chain_test"), top, chain_registry());
  Rng init(11);
  RegistryBuildContext context(chain_registry(), store, init, dim);
  return context.create_list<Bijection>(params, "flow");
}

// Moves every parameter off its initial value so every derivative is exercised.
inline void randomize(ParameterStore& store, std::uint64_t seed, double scale) {
  Vector noise(store.size());
  Rng(seed).fill_normal(noise);
  store.values() += scale * noise;
}

}  // namespace liouville::testing
