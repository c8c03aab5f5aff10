// `liouville validate | config CONFIG`: discoverability without running.
#include <iostream>

#include "commands.hpp"
#include "config_loading.hpp"
#include "experiment_schema.hpp"

namespace liouville::host {

int validate(const ConfigArguments& arguments) {
  Registry registry;
  if (!load_config(arguments, registry)) return kBadInput;
  std::cout << arguments.config.string() << ": valid\n";
  return kSuccess;
}

int print_config(const ConfigArguments& arguments) {
  Registry registry;
  std::optional<LoadedConfig> loaded = load_config(arguments, registry);
  if (!loaded) return kBadInput;
  std::cout << to_yaml(loaded->params, experiment_schema(), registry);
  return kSuccess;
}

}  // namespace liouville::host
