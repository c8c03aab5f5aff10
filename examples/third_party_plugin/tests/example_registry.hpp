// What the example's tests build from: the installed Liouville plugins and this
// example's library, loaded and bound from YAML as `liouville` does.
#pragma once

#include <cstdint>
#include <liouville/registry/config.hpp>
#include <liouville/registry/registry.hpp>
#include <memory>
#include <string>

namespace example::testing {

inline const liouville::Registry& registry() {
  static const liouville::Registry instance = [] {
    liouville::Registry loaded;
    for (const char* name : {"mlp", "hutchinson"})
      loaded.load_library(std::string(LIOUVILLE_INSTALLED_PLUGIN_DIR) + "/liouville_" + name + ".so");
    loaded.load_library(EXAMPLE_PLUGIN_FILE);
    return loaded;
  }();
  return instance;
}

// The component of interface I described by the YAML map `spec`, at key path
// "subject", with its parameters in `store`.
template <class I>
std::shared_ptr<I> build(const std::string& spec, liouville::ParameterStore& store, liouville::Index dim,
                         std::uint64_t seed = 17) {
  liouville::Schema top;
  top.component("subject", I::kInterface).required();
  const liouville::Params params = liouville::bind(
      liouville::ConfigDocument::from_string("subject: " + spec + "\n", "example_test"), top, registry());
  liouville::Rng init(seed);
  liouville::RegistryBuildContext context(registry(), store, init, dim);
  return context.create<I>(params, "subject");
}

// The parameter slice `name` of `store`, writable.
inline Eigen::Map<liouville::Matrix> slice(liouville::ParameterStore& store, const std::string& name) {
  const liouville::ParameterSliceInfo* info = store.find(name);
  if (info == nullptr) throw liouville::Error("no parameter slice " + name);
  return {store.values().data() + info->offset, info->rows, info->cols};
}

inline liouville::Matrix normal_matrix(liouville::Index rows, liouville::Index cols, std::uint64_t seed) {
  liouville::Matrix m(rows, cols);
  liouville::Rng(seed).fill_normal(m);
  return m;
}

}  // namespace example::testing
