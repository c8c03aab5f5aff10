#include "config_loading.hpp"

#include <iostream>

#include "experiment.hpp"

namespace liouville::host {

void print_load_failures(const Registry& registry) {
  for (const LoadFailure& failure : registry.failures())
    std::cerr << "warning: plugin '" << failure.path.string() << "' was not loaded: " << failure.reason << '\n';
}

std::optional<LoadedConfig> load_config(const ConfigArguments& arguments, Registry& registry) {
  return load_config([&] { return ConfigDocument::from_file(arguments.config); }, arguments.overrides, registry);
}

std::optional<LoadedConfig> load_config(const std::function<ConfigDocument()>& read,
                                        const std::vector<std::string>& overrides, Registry& registry) {
  try {
    ConfigDocument document = read();
    for (const std::string& assignment : overrides) document.apply_override(assignment);
    Params params = validate(document, registry);
    print_load_failures(registry);
    return LoadedConfig{std::move(document), std::move(params)};
  } catch (const ConfigErrors& errors) {
    print_load_failures(registry);
    std::cerr << errors.what() << '\n';
    return std::nullopt;
  }
}

}  // namespace liouville::host
