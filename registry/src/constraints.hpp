// The range and size rules of a ParameterSpec as readable violations, shared by
// the binder (config values) and the loader (a schema's own defaults).
#pragma once

#include <optional>
#include <string>

#include "liouville/registry/schema.hpp"

namespace liouville {

// "rtol = -1e-05 violates rtol > 0", or nothing when `value` is in range.
std::optional<std::string> range_violation(const ParameterSpec& spec, const std::string& label, double value);

// "hidden has 0 items; it needs at least 1", or nothing.
std::optional<std::string> size_violation(const ParameterSpec& spec, const std::string& label, long size);

// The first violation of a scalar or list value (each element, then the size).
std::optional<std::string> value_violation(const ParameterSpec& spec, const Value& value);

}  // namespace liouville
