// Reading one YAML node as a value of a scalar ValueKind (private to the registry).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <variant>

#include "liouville/registry/schema.hpp"

namespace liouville {

// The value `node` holds as a bool, int, real, string, path or choice, or the
// reason it holds none ("expected a real number, got 'abc'"). A YAML int is a
// fine real; a real is not an int; quoted scalars are strings.
std::variant<Value, std::string> read_scalar(ValueKind kind, const YAML::Node& node);

// "nothing", "a list", "a map" or the quoted scalar, for messages.
std::string describe_node(const YAML::Node& node);

}  // namespace liouville
