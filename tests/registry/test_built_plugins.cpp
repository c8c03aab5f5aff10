// The plugins built in this tree (whichever exist): each loads, documents its
// parameters, and a config naming only its type binds or lacks required keys only.
#include <doctest/doctest.h>

#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::testing {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> built_plugins() {
  std::vector<fs::path> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(LIOUVILLE_TEST_PLUGIN_DIR, error)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("liouville_") && entry.path().extension() == ".so") found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

TEST_CASE("every built plugin loads next to the others and documents itself") {
  const auto plugins = built_plugins();
  if (plugins.empty()) MESSAGE("no plugins built in " LIOUVILLE_TEST_PLUGIN_DIR);
  Registry registry;
  for (const fs::path& plugin : plugins) {
    CAPTURE(plugin.string());
    CHECK_NOTHROW(registry.load_library(plugin));
  }
  for (const RegisteredComponent* component : registry.list()) {
    CAPTURE(component->info->name);
    CHECK(!component->info->summary.empty());
    CHECK(fs::path(component->library_path).parent_path() == fs::canonical(LIOUVILLE_TEST_PLUGIN_DIR));
    for (const auto& spec : component->schema.entries()) {
      CAPTURE(spec->name());
      CHECK(!spec->documentation().empty());
    }
  }
}

TEST_CASE("a config naming only a built component's type binds, or misses required keys only") {
  Registry registry;
  for (const fs::path& plugin : built_plugins()) registry.load_library(plugin);
  for (const RegisteredComponent* component : registry.list()) {
    const std::string name(component->info->name);
    CAPTURE(name);
    Schema top;
    top.component("it", component->info->interface).required();
    try {
      const Params params =
          bind(ConfigDocument::from_string("it: {type: " + name + "}\n", "config.yaml"), top, registry);
      CHECK(params.child("it").type() == name);
    } catch (const ConfigErrors& errors) {
      for (const Diagnostic& diagnostic : errors.diagnostics()) {
        CAPTURE(diagnostic.format());
        CHECK(diagnostic.message.starts_with("missing required key"));
      }
    }
  }
}

}  // namespace
}  // namespace liouville::testing
