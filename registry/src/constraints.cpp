#include "constraints.hpp"

#include "value_text.hpp"

namespace liouville {

std::optional<std::string> range_violation(const ParameterSpec& spec, const std::string& label, double value) {
  const auto violated = [&](const char* relation, double bound) {
    return label + " = " + number_text(value) + " violates " + spec.name() + " " + relation + " " +
           number_text(bound);
  };
  if (spec.lower()) {
    if (spec.lower_inclusive() && !(value >= *spec.lower())) return violated(">=", *spec.lower());
    if (!spec.lower_inclusive() && !(value > *spec.lower())) return violated(">", *spec.lower());
  }
  if (spec.upper()) {
    if (spec.upper_inclusive() && !(value <= *spec.upper())) return violated("<=", *spec.upper());
    if (!spec.upper_inclusive() && !(value < *spec.upper())) return violated("<", *spec.upper());
  }
  return std::nullopt;
}

namespace {

std::string items(long count) { return std::to_string(count) + (count == 1 ? " item" : " items"); }

}  // namespace

std::optional<std::string> size_violation(const ParameterSpec& spec, const std::string& label, long size) {
  const auto& low = spec.min_list_size();
  const auto& high = spec.max_list_size();
  if ((low && size < *low) || (high && size > *high)) {
    std::string need;
    if (low && high && *low == *high)
      need = "exactly " + items(*low);
    else if (low && size < *low)
      need = "at least " + items(*low);
    else
      need = "at most " + items(*high);
    return label + " has " + items(size) + "; it needs " + need;
  }
  return std::nullopt;
}

namespace {

template <class T>
std::optional<std::string> list_violation(const ParameterSpec& spec, const std::vector<T>& list) {
  for (std::size_t i = 0; i < list.size(); ++i)
    if (auto violation =
            range_violation(spec, spec.name() + "[" + std::to_string(i) + "]", static_cast<double>(list[i])))
      return violation;
  return size_violation(spec, spec.name(), static_cast<long>(list.size()));
}

}  // namespace

std::optional<std::string> value_violation(const ParameterSpec& spec, const Value& value) {
  if (const long* number = std::get_if<long>(&value))
    return range_violation(spec, spec.name(), static_cast<double>(*number));
  if (const double* number = std::get_if<double>(&value)) return range_violation(spec, spec.name(), *number);
  if (const auto* list = std::get_if<std::vector<long>>(&value)) return list_violation(spec, *list);
  if (const auto* list = std::get_if<std::vector<double>>(&value)) return list_violation(spec, *list);
  if (const auto* list = std::get_if<std::vector<std::string>>(&value))
    return size_violation(spec, spec.name(), static_cast<long>(list->size()));
  return std::nullopt;
}

}  // namespace liouville
