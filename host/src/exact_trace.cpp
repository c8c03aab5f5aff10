#include "exact_trace.hpp"

#include "liouville/core/trace_estimator.hpp"

namespace liouville::host {
namespace {

void collect(const Params& params, const Schema& schema, const Registry& registry,
             std::vector<std::string>& paths);

// A component: recurse into its own schema.
void collect_component(const Params& component, const std::string& interface, const Registry& registry,
                       std::vector<std::string>& paths) {
  if (interface == TraceEstimator::kInterface && component.type() != "exact") paths.push_back(component.path());
  if (const RegisteredComponent* registered = registry.find(interface, component.type()))
    collect(component, registered->schema, registry, paths);
}

void collect(const Params& params, const Schema& schema, const Registry& registry,
             std::vector<std::string>& paths) {
  for (const auto& entry : schema.entries()) {
    if (!params.has(entry->name())) continue;
    switch (entry->kind()) {
      case ValueKind::kComponent:
        collect_component(params.child(entry->name()), entry->interface(), registry, paths);
        break;
      case ValueKind::kComponentList:
        for (const Params& item : params.children(entry->name()))
          collect_component(item, entry->interface(), registry, paths);
        break;
      case ValueKind::kSection:
        collect(params.child(entry->name()), *entry->section(), registry, paths);
        break;
      case ValueKind::kSectionList:
        for (const Params& item : params.children(entry->name()))
          collect(item, *entry->section(), registry, paths);
        break;
      default:
        break;
    }
  }
}

}  // namespace

std::vector<std::string> inexact_trace_paths(const Params& params, const Schema& top, const Registry& registry) {
  std::vector<std::string> paths;
  collect(params, top, registry, paths);
  return paths;
}

}  // namespace liouville::host
