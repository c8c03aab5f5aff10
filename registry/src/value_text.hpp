// Text forms of values for messages, docs and YAML output (private to the registry).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "liouville/registry/schema.hpp"

namespace liouville {

// A decimal form that reads back to the same double: integral values in full
// ("10", "100000"), others as short as possible ("1e-05", "0.1").
std::string number_text(double value);
// "true", "3", "0.5", "tanh", "[1, 2]".
std::string value_text(const Value& value);
// "bool", "int", "real", "string", "int list", "real list", "string list".
const char* value_type_name(const Value& value);
// "an int", "a real": the word with its indefinite article.
std::string with_article(std::string_view word);
// 'text', in single quotes.
std::string quote(std::string_view text);
std::string join(const std::vector<std::string>& items, const std::string& separator);

}  // namespace liouville
