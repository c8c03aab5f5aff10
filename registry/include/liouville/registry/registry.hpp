// Registry: the plugin libraries loaded by the host and the components they
// register, looked up by (interface, name).
//
//   liouville::Registry registry;
//   registry.load_search_path();                  // default folder, LIOUVILLE_PLUGIN_PATH
//   registry.load_library("/opt/acme/liouville_radial.so");
//   for (const auto& failure : registry.failures()) ...   // libraries that were refused
//   liouville::RegistryBuildContext context(registry, store, init_rng, dim);
//   auto flow = context.create<liouville::Bijection>(params, "flow");
//
// A library is checked before any of its components is registered (entry point,
// ABI version, entry size, build tag, component list, every declare()); a refused
// library leaves the registry as it was. Libraries are never unloaded while the
// registry or an object built from them is alive.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "liouville/core/component.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/registry/build_context.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/plugin_entry.hpp"
#include "liouville/registry/schema.hpp"

namespace liouville {

// A library that was refused, and why (the reason does not repeat the path).
struct LoadFailure {
  std::filesystem::path path;
  std::string reason;
};

// One component class of a loaded library, with the schema its declare() built.
class RegisteredComponent {
 private:
  friend class Registry;
  // Declared first, so destroyed last: the schema may hold code of the library (checks).
  std::shared_ptr<const void> library_;

 public:
  const ComponentInfo* info = nullptr;
  Schema schema;
  std::string library_path;
  std::string library_name;
  std::string library_version;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(Registry&&) noexcept;
  Registry& operator=(Registry&&) noexcept;

  // liouville/plugins beside the registry library itself (the build and install trees agree).
  static std::filesystem::path default_plugin_dir();

  // Loads every liouville_*.so of default_plugin_dir(), then of each entry of the
  // ':'-separated LIOUVILLE_PLUGIN_PATH, then of `extra` (folders or library files).
  // A library that is refused is recorded in failures(); this never throws for one.
  void load_search_path(const std::vector<std::filesystem::path>& extra = {});

  // Loads one library; a second load of the same file is a no-op. Throws PluginError
  // naming the file, the reason and the fix.
  void load_library(const std::filesystem::path& path);

  const std::vector<LoadFailure>& failures() const { return failures_; }

  const RegisteredComponent* find(std::string_view interface, std::string_view name) const;
  // Sorted by interface, then name. An empty interface lists all.
  std::vector<const RegisteredComponent*> list(std::string_view interface = {}) const;
  std::vector<std::string> names(std::string_view interface) const;

  // Builds the component `params.type()` of `interface`. The object keeps its library
  // loaded. Errors thrown by the plugin come back with `params.path()` in the message.
  std::shared_ptr<Component> create(std::string_view interface, const Params& params, BuildContext& context) const;

 private:
  // Loads one library, or says why it is refused.
  std::optional<std::string> load(const std::filesystem::path& path);

  std::vector<std::shared_ptr<const void>> libraries_;  // first, so unloaded after everything else
  std::map<std::pair<std::string, std::string>, std::unique_ptr<RegisteredComponent>> components_;
  std::vector<std::filesystem::path> loaded_;  // canonical paths
  std::vector<LoadFailure> failures_;
};

// A BuildContext whose components are built by a Registry.
class RegistryBuildContext final : public BuildContext {
 public:
  RegistryBuildContext(const Registry& registry, ParameterStore& parameters, Rng& init_rng, Index dim,
                       std::shared_ptr<ThreadPool> pool = serial_thread_pool());

  Index dim() const override { return dim_; }
  ParameterStore& parameters() override { return parameters_; }
  Rng& init_rng() override { return init_rng_; }
  std::unique_ptr<BuildContext> with_dim(Index dim) override;
  std::shared_ptr<Component> create_component(std::string_view interface, const Params& params) override;
  std::shared_ptr<ThreadPool> thread_pool() override { return pool_; }

 private:
  const Registry& registry_;
  ParameterStore& parameters_;
  Rng& init_rng_;
  Index dim_;
  std::shared_ptr<ThreadPool> pool_;
};

}  // namespace liouville
