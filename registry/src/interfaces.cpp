#include "interfaces.hpp"

#include <algorithm>

#include "liouville/core/bijection.hpp"
#include "liouville/core/dataset.hpp"
#include "liouville/core/distribution.hpp"
#include "liouville/core/ode_solver.hpp"
#include "liouville/core/optimizer.hpp"
#include "liouville/core/trace_estimator.hpp"
#include "liouville/core/vector_field.hpp"

namespace liouville {

namespace {

struct InterfaceCheck {
  std::string_view name;
  bool (*implemented_by)(const Component&);
};

template <class I>
InterfaceCheck check_for() {
  return {I::kInterface, [](const Component& component) { return dynamic_cast<const I*>(&component) != nullptr; }};
}

const std::vector<InterfaceCheck>& interface_checks() {
  static const std::vector<InterfaceCheck> checks = [] {
    std::vector<InterfaceCheck> all{check_for<Bijection>(),  check_for<Dataset>(),   check_for<Distribution>(),
                                    check_for<ODESolver>(),  check_for<Optimizer>(), check_for<TraceEstimator>(),
                                    check_for<VectorField>()};
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return all;
  }();
  return checks;
}

}  // namespace

const std::vector<std::string_view>& known_interfaces() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> all;
    for (const InterfaceCheck& check : interface_checks()) all.push_back(check.name);
    return all;
  }();
  return names;
}

bool implements(std::string_view interface, const Component& component) {
  for (const InterfaceCheck& check : interface_checks())
    if (check.name == interface) return check.implemented_by(component);
  return false;
}

}  // namespace liouville
