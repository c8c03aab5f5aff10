// `liouville plugins [describe NAME] [--markdown]`: what is installed and what
// each plugin accepts, straight from the registered schemas.
#include <iostream>

#include "commands.hpp"
#include "config_loading.hpp"
#include "config_reference.hpp"

namespace liouville::host {
namespace {

void print_schema(const Schema& schema, const std::string& indent) {
  for (const auto& entry : schema.entries()) {
    std::cout << indent << entry->describe() << '\n';
    if (entry->section() != nullptr) print_schema(*entry->section(), indent + "  ");
  }
}

}  // namespace

int list_plugins(const std::vector<std::filesystem::path>& extra, bool markdown) {
  Registry registry;
  registry.load_search_path(extra);
  print_load_failures(registry);
  if (markdown) {
    write_config_reference(std::cout, registry);
    return kSuccess;
  }
  std::string interface;
  for (const RegisteredComponent* component : registry.list()) {
    if (component->info->interface != interface) {
      interface = component->info->interface;
      std::cout << interface << ":\n";
    }
    std::cout << "  " << component->info->name << " - " << component->info->summary << "  ["
              << component->library_path << "]\n";
  }
  return kSuccess;
}

int describe_plugin(const std::vector<std::filesystem::path>& extra, const std::string& name) {
  Registry registry;
  registry.load_search_path(extra);
  print_load_failures(registry);
  bool found = false;
  for (const RegisteredComponent* component : registry.list()) {
    if (component->info->name != name) continue;
    found = true;
    std::cout << component->info->name << " (" << component->info->interface << "): " << component->info->summary
              << "\n  library: " << component->library_path << " " << component->library_version << '\n';
    print_schema(component->schema, "  ");
  }
  if (!found) {
    std::cerr << "error: no plugin named '" << name << "'; `liouville plugins` lists them\n";
    return kBadInput;
  }
  return kSuccess;
}

}  // namespace liouville::host
