#include "liouville/registry/schema.hpp"

#include <algorithm>
#include <sstream>

#include "liouville/core/errors.hpp"
#include "liouville/registry/schema_text.hpp"
#include "value_text.hpp"

namespace liouville {

const char* to_string(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt:
      return "int";
    case ValueKind::kReal:
      return "real";
    case ValueKind::kString:
      return "string";
    case ValueKind::kPath:
      return "path";
    case ValueKind::kChoice:
      return "choice";
    case ValueKind::kIntList:
      return "int list";
    case ValueKind::kRealList:
      return "real list";
    case ValueKind::kStringList:
      return "string list";
    case ValueKind::kComponent:
      return "component";
    case ValueKind::kComponentList:
      return "component list";
    case ValueKind::kSection:
      return "section";
    case ValueKind::kSectionList:
      return "section list";
  }
  return "unknown";
}

namespace {

bool is_numeric(ValueKind kind) {
  return kind == ValueKind::kInt || kind == ValueKind::kReal || kind == ValueKind::kIntList ||
         kind == ValueKind::kRealList;
}

bool is_list(ValueKind kind) {
  return kind == ValueKind::kIntList || kind == ValueKind::kRealList || kind == ValueKind::kStringList ||
         kind == ValueKind::kComponentList || kind == ValueKind::kSectionList;
}

bool is_string_like(ValueKind kind) {
  return kind == ValueKind::kString || kind == ValueKind::kPath || kind == ValueKind::kChoice ||
         kind == ValueKind::kComponent;
}

[[noreturn]] void schema_error(const std::string& name, const std::string& what) {
  throw ConfigError("schema: parameter '" + name + "': " + what);
}

// The default as the kind stores it: ints widen to reals, 0/1 become bools.
Value normalized_default(const std::string& name, ValueKind kind, Value value) {
  const auto mismatch = [&]() -> Value {
    schema_error(name, std::string("a default of type ") + value_type_name(value) + " does not fit " +
                           with_article(to_string(kind)) + " parameter");
  };
  switch (kind) {
    case ValueKind::kBool:
      if (std::holds_alternative<bool>(value)) return value;
      if (const long* number = std::get_if<long>(&value); number && (*number == 0 || *number == 1))
        return Value{*number == 1};
      return mismatch();
    case ValueKind::kInt:
      if (std::holds_alternative<long>(value)) return value;
      return mismatch();
    case ValueKind::kReal:
      if (const long* number = std::get_if<long>(&value)) return Value{static_cast<double>(*number)};
      if (std::holds_alternative<double>(value)) return value;
      return mismatch();
    case ValueKind::kIntList:
      if (std::holds_alternative<std::vector<long>>(value)) return value;
      return mismatch();
    case ValueKind::kRealList:
      if (const auto* numbers = std::get_if<std::vector<long>>(&value))
        return Value{std::vector<double>(numbers->begin(), numbers->end())};
      if (std::holds_alternative<std::vector<double>>(value)) return value;
      return mismatch();
    case ValueKind::kStringList:
      if (std::holds_alternative<std::vector<std::string>>(value)) return value;
      return mismatch();
    case ValueKind::kSection:
    case ValueKind::kSectionList:
    case ValueKind::kComponentList:
      schema_error(name, with_article(to_string(kind)) + " takes no default value");
    default:
      if (is_string_like(kind) && std::holds_alternative<std::string>(value)) return value;
      return mismatch();
  }
}

}  // namespace

ParameterSpec::ParameterSpec(std::string name, ValueKind kind) : name_(std::move(name)), kind_(kind) {}
ParameterSpec::~ParameterSpec() = default;
ParameterSpec::ParameterSpec(ParameterSpec&&) noexcept = default;
ParameterSpec& ParameterSpec::operator=(ParameterSpec&&) noexcept = default;

ParameterSpec& ParameterSpec::required() {
  if (default_) schema_error(name_, "a parameter with a default cannot be required");
  required_ = true;
  return *this;
}

ParameterSpec& ParameterSpec::default_value(Value value) {
  if (required_) schema_error(name_, "a required parameter cannot have a default");
  default_ = normalized_default(name_, kind_, std::move(value));
  if (kind_ == ValueKind::kChoice) {
    const auto& chosen = std::get<std::string>(*default_);
    if (std::find(choices_.begin(), choices_.end(), chosen) == choices_.end())
      schema_error(name_, "the default '" + chosen + "' is not one of its choices");
  }
  return *this;
}

ParameterSpec& ParameterSpec::min(double bound) {
  if (!is_numeric(kind_)) schema_error(name_, with_article(to_string(kind_)) + " has no numeric bound");
  lower_ = bound;
  lower_inclusive_ = true;
  return *this;
}

ParameterSpec& ParameterSpec::max(double bound) {
  if (!is_numeric(kind_)) schema_error(name_, with_article(to_string(kind_)) + " has no numeric bound");
  upper_ = bound;
  upper_inclusive_ = true;
  return *this;
}

ParameterSpec& ParameterSpec::greater_than(double bound) {
  min(bound);
  lower_inclusive_ = false;
  return *this;
}

ParameterSpec& ParameterSpec::less_than(double bound) {
  max(bound);
  upper_inclusive_ = false;
  return *this;
}

ParameterSpec& ParameterSpec::min_size(long size) {
  if (!is_list(kind_)) schema_error(name_, with_article(to_string(kind_)) + " has no size");
  if (size < 0) schema_error(name_, "a negative minimum size");
  min_size_ = size;
  return *this;
}

ParameterSpec& ParameterSpec::max_size(long size) {
  if (!is_list(kind_)) schema_error(name_, with_article(to_string(kind_)) + " has no size");
  if (size < 0) schema_error(name_, "a negative maximum size");
  max_size_ = size;
  return *this;
}

ParameterSpec& ParameterSpec::doc(std::string text) {
  doc_ = std::move(text);
  return *this;
}

std::string ParameterSpec::describe() const {
  std::ostringstream out;
  out << name_ << " (" << to_string(kind_);
  if (!interface_.empty()) out << " of " << interface_;
  if (required_) out << ", required";
  if (default_) out << ", default " << default_text(*this);
  if (const std::string bounds = bounds_text(*this); !bounds.empty()) out << ", " << bounds;
  if (!choices_.empty()) out << ": " << join(choices_, " | ");
  out << ")";
  if (!doc_.empty()) out << ": " << doc_;
  return out.str();
}

std::string default_text(const ParameterSpec& spec) {
  return spec.default_value() ? value_text(*spec.default_value()) : std::string();
}

std::string bounds_text(const ParameterSpec& spec) {
  std::vector<std::string> parts;
  if (spec.lower()) parts.push_back((spec.lower_inclusive() ? ">= " : "> ") + number_text(*spec.lower()));
  if (spec.upper()) parts.push_back((spec.upper_inclusive() ? "<= " : "< ") + number_text(*spec.upper()));
  const auto items = [](long n) { return std::to_string(n) + (n == 1 ? " item" : " items"); };
  const auto& min_size = spec.min_list_size();
  const auto& max_size = spec.max_list_size();
  if (min_size && max_size && *min_size == *max_size) {
    parts.push_back("exactly " + items(*min_size));
  } else {
    if (min_size) parts.push_back("at least " + items(*min_size));
    if (max_size) parts.push_back("at most " + items(*max_size));
  }
  return join(parts, ", ");
}

Schema::Schema() = default;
Schema::~Schema() = default;
Schema::Schema(Schema&&) noexcept = default;
Schema& Schema::operator=(Schema&&) noexcept = default;

ParameterSpec& Schema::add(std::string name, ValueKind kind) {
  if (name.empty()) throw ConfigError("schema: a parameter needs a name");
  if (name.find_first_of(".[]=# \t") != std::string::npos)
    schema_error(name, "a name may not contain '.', '[', ']', '=', '#' or spaces");
  if (find(name)) schema_error(name, "declared twice");
  entries_.push_back(std::make_unique<ParameterSpec>(std::move(name), kind));
  return *entries_.back();
}

ParameterSpec& Schema::boolean(std::string name) { return add(std::move(name), ValueKind::kBool); }
ParameterSpec& Schema::integer(std::string name) { return add(std::move(name), ValueKind::kInt); }
ParameterSpec& Schema::real(std::string name) { return add(std::move(name), ValueKind::kReal); }
ParameterSpec& Schema::string(std::string name) { return add(std::move(name), ValueKind::kString); }
ParameterSpec& Schema::path(std::string name) { return add(std::move(name), ValueKind::kPath); }
ParameterSpec& Schema::integer_list(std::string name) { return add(std::move(name), ValueKind::kIntList); }
ParameterSpec& Schema::real_list(std::string name) { return add(std::move(name), ValueKind::kRealList); }
ParameterSpec& Schema::string_list(std::string name) { return add(std::move(name), ValueKind::kStringList); }

ParameterSpec& Schema::choice(std::string name, std::vector<std::string> options) {
  if (options.empty()) schema_error(name, "a choice needs at least one option");
  ParameterSpec& spec = add(std::move(name), ValueKind::kChoice);
  spec.choices_ = std::move(options);
  return spec;
}

ParameterSpec& Schema::component(std::string name, std::string_view interface) {
  ParameterSpec& spec = add(std::move(name), ValueKind::kComponent);
  spec.interface_ = interface;
  return spec;
}

ParameterSpec& Schema::component_list(std::string name, std::string_view interface) {
  ParameterSpec& spec = add(std::move(name), ValueKind::kComponentList);
  spec.interface_ = interface;
  return spec;
}

Schema& Schema::section(std::string name, std::string doc) {
  ParameterSpec& spec = add(std::move(name), ValueKind::kSection);
  spec.doc_ = std::move(doc);
  spec.section_ = std::make_unique<Schema>();
  return *spec.section_;
}

Schema& Schema::section_list(std::string name, std::string doc) {
  ParameterSpec& spec = add(std::move(name), ValueKind::kSectionList);
  spec.doc_ = std::move(doc);
  spec.required_ = true;
  spec.section_ = std::make_unique<Schema>();
  return *spec.section_;
}

void Schema::check(Check rule) {
  if (!rule) throw ConfigError("schema: an empty check rule");
  checks_.push_back(std::move(rule));
}

const ParameterSpec* Schema::find(std::string_view name) const {
  for (const auto& entry : entries_)
    if (entry->name() == name) return entry.get();
  return nullptr;
}

}  // namespace liouville
