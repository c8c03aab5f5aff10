// Builds planar layers, chains of them and inverted ones through the registry
// from YAML, as the host does, and gives access to their parameter slices.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "liouville/core/bijection.hpp"
#include "liouville/core/chain.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::testing {

inline const Registry& planar_registry() {
  static const Registry registry = [] {
    Registry r;
    r.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_planar.so");
    r.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_invert.so");
    return r;
  }();
  return registry;
}

// The store outlives the bijection, whose parameter slices point into it.
struct BuiltFlow {
  ParameterStore store;
  std::shared_ptr<Bijection> bijection;

  Eigen::Map<Matrix> slice(const std::string& name) {
    const ParameterSliceInfo* info = store.find(name);
    if (info == nullptr) throw Error("no parameter slice " + name);
    return Eigen::Map<Matrix>(store.values().data() + info->offset, info->rows, info->cols);
  }
};

// `layers` is a YAML flow sequence of bijection configs, e.g.
// "[{type: planar}, {type: planar, activation: leaky_relu}]"; one layer is built
// alone, several as a Chain. Layer k's parameters are "layers[k].u|w|b".
inline std::unique_ptr<BuiltFlow> build_flow(const std::string& layers, Index dim, std::uint64_t seed = 11) {
  Schema top;
  top.component_list("layers", Bijection::kInterface).required();
  const Params params =
      bind(ConfigDocument::from_string("layers: " + layers + "\n", "planar_test"), top, planar_registry());
  auto built = std::make_unique<BuiltFlow>();
  Rng init(seed);
  RegistryBuildContext context(planar_registry(), built->store, init, dim);
  auto made = context.create_list<Bijection>(params, "layers");
  built->bijection = made.size() == 1 ? made.front() : std::make_shared<Chain>(std::move(made));
  return built;
}

inline Matrix normal_matrix(Index rows, Index cols, std::uint64_t seed, double scale = 1.0) {
  Matrix m(rows, cols);
  Rng(seed).fill_normal(m);
  return scale * m;
}

}  // namespace liouville::testing
