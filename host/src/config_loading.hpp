// Reading, overriding and validating a config file, with every diagnostic
// printed to stderr.
#pragma once

#include <functional>
#include <optional>

#include "commands.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::host {

struct LoadedConfig {
  ConfigDocument document;
  Params params;
};

// Nothing when the config has errors (already printed); plugin load failures
// are printed as warnings, since the config may not need those plugins.
std::optional<LoadedConfig> load_config(const ConfigArguments& arguments, Registry& registry);
// The same for a config read by `read` (which may throw ConfigErrors), e.g. a checkpoint's.
std::optional<LoadedConfig> load_config(const std::function<ConfigDocument()>& read,
                                        const std::vector<std::string>& overrides, Registry& registry);

void print_load_failures(const Registry& registry);

}  // namespace liouville::host
