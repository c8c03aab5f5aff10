#include "value_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace liouville {

std::string number_text(double value) {
  char buffer[32];
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {  // integral: "10", not "1e+01"
    std::snprintf(buffer, sizeof(buffer), "%.0f", value);
    return buffer;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

namespace {

template <class T>
std::string list_text(const std::vector<T>& items) {
  std::vector<std::string> texts;
  texts.reserve(items.size());
  for (const T& item : items) texts.push_back(value_text(Value{item}));
  std::string text = "[";
  text += join(texts, ", ");
  text += ']';
  return text;
}

}  // namespace

std::string value_text(const Value& value) {
  struct Visitor {
    std::string operator()(bool flag) const { return flag ? "true" : "false"; }
    std::string operator()(long number) const { return std::to_string(number); }
    std::string operator()(double number) const { return number_text(number); }
    std::string operator()(const std::string& text) const { return text; }
    std::string operator()(const std::vector<long>& items) const { return list_text(items); }
    std::string operator()(const std::vector<double>& items) const { return list_text(items); }
    std::string operator()(const std::vector<std::string>& items) const { return list_text(items); }
  };
  return std::visit(Visitor{}, value);
}

const char* value_type_name(const Value& value) {
  static constexpr const char* kNames[] = {"bool",     "int",       "real",       "string",
                                           "int list", "real list", "string list"};
  return kNames[value.index()];
}

std::string with_article(std::string_view word) {
  const bool vowel = !word.empty() && std::string_view("aeiouAEIOU").find(word.front()) != std::string_view::npos;
  std::string text = vowel ? "an " : "a ";
  text += word;
  return text;
}

std::string quote(std::string_view text) {
  std::string quoted = "'";
  quoted += text;
  quoted += '\'';
  return quoted;
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string joined;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) joined += separator;
    joined += items[i];
  }
  return joined;
}

}  // namespace liouville
