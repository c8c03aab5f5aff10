// Parameter schemas: what a plugin accepts, declared before any config is read
// (after deal.II's declare_entry). The binder validates a config against the
// schema (unknown keys, types, ranges, required keys) before constructing
// anything, and `liouville plugins` documents plugins from it.
//
//   static void declare(liouville::Schema& s) {
//     s.integer_list("hidden").required().min(1).doc("Hidden layer widths.");
//     s.choice("activation", {"tanh", "softplus", "relu"}).default_value("tanh").doc("Hidden activation.");
//     s.real("rtol").default_value(1e-6).greater_than(0).doc("Relative tolerance.");
//     s.component("solver", liouville::ODESolver::kInterface).default_value("tsit5").doc("ODE solver.");
//   }
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace liouville {

class Params;
class Schema;

enum class ValueKind {
  kBool,
  kInt,
  kReal,
  kString,
  kPath,
  kChoice,
  kIntList,
  kRealList,
  kStringList,
  kComponent,      // a map with `type: NAME` of the given interface
  kComponentList,  // a list of such maps
  kSection,        // a nested map with its own schema
  kSectionList,    // a list of such maps
};

const char* to_string(ValueKind kind);

// A scalar or list value as it appears after validation.
using Value = std::variant<bool, long, double, std::string, std::vector<long>, std::vector<double>,
                           std::vector<std::string>>;

class ParameterSpec {
 public:
  ParameterSpec(std::string name, ValueKind kind);
  ~ParameterSpec();
  ParameterSpec(ParameterSpec&&) noexcept;
  ParameterSpec& operator=(ParameterSpec&&) noexcept;

  ParameterSpec& required();
  ParameterSpec& default_value(Value value);  // a component's default is its type name
  ParameterSpec& default_value(const char* value) { return default_value(Value{std::string(value)}); }
  ParameterSpec& default_value(double value) { return default_value(Value{value}); }
  ParameterSpec& default_value(bool value) { return default_value(Value{value}); }
  template <class Integer>
  requires(std::is_integral_v<Integer> &&
           !std::is_same_v<Integer, bool>) ParameterSpec& default_value(Integer value) {
    return default_value(Value{static_cast<long>(value)});
  }
  ParameterSpec& min(double bound);           // inclusive; numbers and list elements
  ParameterSpec& max(double bound);           // inclusive
  ParameterSpec& greater_than(double bound);  // exclusive
  ParameterSpec& less_than(double bound);     // exclusive
  ParameterSpec& min_size(long size);         // lists
  ParameterSpec& max_size(long size);         // lists
  ParameterSpec& doc(std::string text);

  const std::string& name() const { return name_; }
  ValueKind kind() const { return kind_; }
  bool is_required() const { return required_; }
  const std::optional<Value>& default_value() const { return default_; }
  const std::optional<double>& lower() const { return lower_; }
  bool lower_inclusive() const { return lower_inclusive_; }
  const std::optional<double>& upper() const { return upper_; }
  bool upper_inclusive() const { return upper_inclusive_; }
  const std::optional<long>& min_list_size() const { return min_size_; }
  const std::optional<long>& max_list_size() const { return max_size_; }
  const std::string& documentation() const { return doc_; }
  const std::vector<std::string>& choices() const { return choices_; }
  const std::string& interface() const { return interface_; }  // component kinds
  Schema* section() const { return section_.get(); }           // section kinds

  // A one-line summary: "hidden (int list, required, >= 1): Hidden layer widths."
  std::string describe() const;

 private:
  friend class Schema;
  std::string name_;
  ValueKind kind_;
  bool required_ = false;
  std::optional<Value> default_;
  std::optional<double> lower_;
  bool lower_inclusive_ = true;
  std::optional<double> upper_;
  bool upper_inclusive_ = true;
  std::optional<long> min_size_;
  std::optional<long> max_size_;
  std::string doc_;
  std::vector<std::string> choices_;
  std::string interface_;
  std::unique_ptr<Schema> section_;
};

class Schema {
 public:
  // A rule that spans several parameters; returns an error message or nothing.
  using Check = std::function<std::optional<std::string>(const Params&)>;

  Schema();
  ~Schema();
  Schema(Schema&&) noexcept;
  Schema& operator=(Schema&&) noexcept;

  ParameterSpec& boolean(std::string name);
  ParameterSpec& integer(std::string name);
  ParameterSpec& real(std::string name);
  ParameterSpec& string(std::string name);
  ParameterSpec& path(std::string name);
  ParameterSpec& choice(std::string name, std::vector<std::string> options);
  ParameterSpec& integer_list(std::string name);
  ParameterSpec& real_list(std::string name);
  ParameterSpec& string_list(std::string name);
  ParameterSpec& component(std::string name, std::string_view interface);
  ParameterSpec& component_list(std::string name, std::string_view interface);
  Schema& section(std::string name, std::string doc);       // required unless every entry has a default
  Schema& section_list(std::string name, std::string doc);  // required

  void check(Check rule);

  const std::vector<std::unique_ptr<ParameterSpec>>& entries() const { return entries_; }
  const ParameterSpec* find(std::string_view name) const;
  const std::vector<Check>& checks() const { return checks_; }

 private:
  ParameterSpec& add(std::string name, ValueKind kind);
  std::vector<std::unique_ptr<ParameterSpec>> entries_;
  std::vector<Check> checks_;
};

}  // namespace liouville
