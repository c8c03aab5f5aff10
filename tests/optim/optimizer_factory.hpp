// Builds an optimizer plugin as the host does: a YAML config bound against the
// registered schema (defaults, ranges, cross-parameter checks), then built
// through the registry.
//
//   auto adam = make_optimizer("adam", "learning_rate: 0.01, beta1: 0.5");
#pragma once

#include <memory>
#include <string>

#include "liouville/core/optimizer.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::testing {

// `fields` is the body of a YAML flow map, e.g. "history: 5, c2: 0.1".
inline std::shared_ptr<Optimizer> make_optimizer(const std::string& name, const std::string& fields = "") {
  static Registry registry;
  registry.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_" + name + ".so");
  Schema top;
  top.component("optimizer", Optimizer::kInterface).required();
  const std::string yaml = "optimizer: {type: " + name + (fields.empty() ? "" : ", " + fields) + "}\n";
  const Params params = bind(ConfigDocument::from_string(yaml, "test.yaml"), top, registry);
  ParameterStore store;
  Rng rng(1);
  RegistryBuildContext context(registry, store, rng, 0);
  return context.create<Optimizer>(params, "optimizer");
}

}  // namespace liouville::testing
