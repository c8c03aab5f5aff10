#include "yaml_scalars.hpp"

#include <charconv>
#include <cmath>

#include "value_text.hpp"

namespace liouville {

namespace {

constexpr std::size_t kMaxShown = 40;

const char* expectation(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBool:
      return "true or false";
    case ValueKind::kInt:
      return "an integer";
    case ValueKind::kReal:
      return "a real number";
    case ValueKind::kPath:
      return "a path";
    default:
      return "a string";
  }
}

std::string_view without_plus(std::string_view text) {
  return text.size() > 1 && text.front() == '+' ? text.substr(1) : text;
}

template <class T>
std::optional<std::from_chars_result> parse_whole(std::string_view text, T& value) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ptr != text.data() + text.size() && result.ec == std::errc()) return std::nullopt;
  return result;
}

std::variant<Value, std::string> read_int(std::string_view text, const std::string& got) {
  long number = 0;
  const auto result = parse_whole(without_plus(text), number);
  if (result && result->ec == std::errc()) return Value{number};
  if (result && result->ec == std::errc::result_out_of_range) return "the integer " + got + " is out of range";
  double real = 0;
  const auto as_real = parse_whole(without_plus(text), real);
  if (as_real && as_real->ec == std::errc()) return "expected an integer, got the real number " + got;
  return "expected an integer, got " + got;
}

std::variant<Value, std::string> read_real(std::string_view text, const std::string& got) {
  double number = 0;
  const auto result = parse_whole(without_plus(text), number);
  if (!result || result->ec == std::errc::invalid_argument) return "expected a real number, got " + got;
  if (result->ec == std::errc::result_out_of_range || !std::isfinite(number))
    return "expected a finite real number, got " + got;
  return Value{number};
}

}  // namespace

std::string describe_node(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  const std::string& text = node.Scalar();
  return quote(text.size() > kMaxShown ? text.substr(0, kMaxShown) + "..." : text);
}

std::variant<Value, std::string> read_scalar(ValueKind kind, const YAML::Node& node) {
  const std::string got = describe_node(node);
  if (!node.IsScalar()) return std::string("expected ") + expectation(kind) + ", got " + got;
  const std::string& text = node.Scalar();
  const bool quoted = node.Tag() == "!";
  switch (kind) {
    case ValueKind::kBool:
      if (!quoted && (text == "true" || text == "True" || text == "TRUE")) return Value{true};
      if (!quoted && (text == "false" || text == "False" || text == "FALSE")) return Value{false};
      return "expected true or false, got " + got;
    case ValueKind::kInt:
      if (quoted) return "expected an integer, got the string " + got;
      return read_int(text, got);
    case ValueKind::kReal:
      if (quoted) return "expected a real number, got the string " + got;
      return read_real(text, got);
    default:
      return Value{text};
  }
}

}  // namespace liouville
