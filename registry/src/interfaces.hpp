// The component interfaces of liouville_core, by name (private to the registry).
#pragma once

#include <string_view>
#include <vector>

#include "liouville/core/component.hpp"

namespace liouville {

// "Bijection", "Dataset", ... sorted.
const std::vector<std::string_view>& known_interfaces();

// Whether `component` implements the interface named `interface` (a known one).
bool implements(std::string_view interface, const Component& component);

}  // namespace liouville
