// Text forms of a parameter declaration, as `liouville plugins describe` and the
// Markdown config reference print them.
#pragma once

#include <string>

#include "liouville/registry/schema.hpp"

namespace liouville {

// The default as a config spells it ("1e-06", "[3, 3]", "tsit5"), or "" without one.
std::string default_text(const ParameterSpec& spec);

// Numeric bounds and list sizes, comma-separated (">= 1, at least 1 item"), or "".
std::string bounds_text(const ParameterSpec& spec);

}  // namespace liouville
