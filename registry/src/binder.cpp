// bind(): validates a whole config document against the host's schema and the
// schemas of the plugins it names, collecting every error before any is thrown.
#include <algorithm>
#include <limits>

#include "config_document_impl.hpp"
#include "constraints.hpp"
#include "suggestions.hpp"
#include "value_text.hpp"
#include "yaml_scalars.hpp"

namespace liouville {

namespace {

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string item_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string position_text(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? std::string("an override")
                        : "line " + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

const char* list_expectation(ValueKind kind) {
  switch (kind) {
    case ValueKind::kIntList:
      return "a list of integers";
    case ValueKind::kRealList:
      return "a list of real numbers";
    case ValueKind::kStringList:
      return "a list of strings";
    case ValueKind::kComponentList:
      return "a list of components (maps with `type:`)";
    default:
      return "a list of maps";
  }
}

bool is_absent(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

std::vector<std::string> entry_names(const Schema& schema) {
  std::vector<std::string> names;
  for (const auto& spec : schema.entries()) names.push_back(spec->name());
  return names;
}

bool needs_values(const Schema& schema) {
  return std::any_of(schema.entries().begin(), schema.entries().end(), [](const auto& spec) {
    return spec->is_required() || (spec->kind() == ValueKind::kSection && needs_values(*spec->section()));
  });
}

// One key: value pair of a YAML map, in document order.
struct MapEntry {
  std::string name;
  YAML::Node key;
  YAML::Node value;
};

class Binder {
 public:
  Binder(const detail::ConfigDocumentData& document, const Registry& registry)
      : document_(document), registry_(registry) {}

  // Refuses documents too deep or too large to walk (alias bombs) before walking them.
  bool within_limits(const YAML::Node& node, int depth, long& budget) {
    if (depth > kMaxDepth) {
      error(node, "", "the document nests deeper than " + std::to_string(kMaxDepth) + " levels");
      return false;
    }
    if (--budget < 0) {
      error(node, "", "the document has more than " + std::to_string(kMaxNodes) + " nodes",
            "every use of an alias counts; is an alias expanding exponentially?");
      return false;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (node.IsMap() &&
          !(within_limits(it->first, depth + 1, budget) && within_limits(it->second, depth + 1, budget)))
        return false;
      if (node.IsSequence() && !within_limits(*it, depth + 1, budget)) return false;
    }
    return true;
  }

  // Binds the map `node` (absent: every entry takes its default) against `schema`;
  // `anchor` is where errors of absent entries are reported.
  void bind_map(const YAML::Node& node, const YAML::Node& anchor, const Schema& schema, Params& params,
                bool is_component, bool is_root) {
    const std::size_t errors_before = errors_.size();
    const YAML::Node& place = is_absent(node) ? anchor : node;
    if (!is_absent(node) && !node.IsMap()) {
      error(node, params.path(), "expected a map of parameters, got " + describe_node(node));
      return;
    }
    const std::vector<MapEntry> given = is_absent(node) ? std::vector<MapEntry>{} : entries_of(node, params);
    const std::vector<std::string> valid = entry_names(schema);
    for (const MapEntry& entry : given) {
      if ((is_component && entry.name == "type") ||
          (is_root && entry.name == "plugins" && !schema.find("plugins")))
        continue;
      if (!schema.find(entry.name))
        error(entry.key.Mark().is_null() ? entry.value : entry.key, child_path(params.path(), entry.name),
              "unknown key " + quote(entry.name) + did_you_mean(entry.name, valid),
              valid.empty() ? "this takes no parameters" : "valid keys here: " + join(valid, ", "));
    }
    for (const auto& spec : schema.entries()) {
      const auto found = std::find_if(given.begin(), given.end(),
                                      [&](const MapEntry& entry) { return entry.name == spec->name(); });
      if (found != given.end())
        bind_entry(*spec, found->value, params);
      else
        bind_absent(*spec, place, params);
    }
    if (errors_.size() == errors_before) run_checks(schema, params, place);
  }

  // Binds the component map `node` of `interface`; nothing if it has errors.
  std::optional<Params> bind_component(std::string_view interface, const YAML::Node& node,
                                       const std::string& path) {
    const std::vector<std::string> known = registry_.names(interface);
    const std::string valid_names = "valid " + std::string(interface) + " names: " +
                                    (known.empty() ? std::string("none are loaded") : join(known, ", "));
    if (!node.IsMap()) {
      const bool names_one = node.IsScalar() && registry_.find(interface, node.Scalar());
      error(node, path,
            "expected a map with `type:` naming " + with_article(interface) + ", got " + describe_node(node),
            names_one ? "write {type: " + node.Scalar() + "}" : valid_names);
      return std::nullopt;
    }
    const YAML::Node type = node["type"];
    if (!type) {
      error(node, path, "missing `type:` naming the " + std::string(interface), valid_names);
      return std::nullopt;
    }
    if (!type.IsScalar()) {
      error(type, child_path(path, "type"),
            "expected " + with_article(interface) + " name, got " + describe_node(type));
      return std::nullopt;
    }
    const RegisteredComponent* component = registry_.find(interface, type.Scalar());
    if (!component) {
      error(type, child_path(path, "type"),
            "unknown " + std::string(interface) + " " + quote(type.Scalar()) + did_you_mean(type.Scalar(), known),
            valid_names + failures_note());
      return std::nullopt;
    }
    Params params(path, type.Scalar());
    bind_map(node, node, component->schema, params, true, false);
    return params;
  }

  std::vector<Diagnostic> take_errors() {
    // In file order; diagnostics without a line (overrides, empty documents) last.
    const auto order = [](const Diagnostic& d) {
      return std::pair(d.line > 0 ? d.line : std::numeric_limits<int>::max(), d.column);
    };
    std::stable_sort(errors_.begin(), errors_.end(),
                     [&](const Diagnostic& a, const Diagnostic& b) { return order(a) < order(b); });
    return std::move(errors_);
  }

 private:
  void error(const YAML::Node& node, const std::string& path, std::string message, std::string note = {}) {
    errors_.push_back(diagnostic_at(document_, node, path, std::move(message), std::move(note)));
  }

  std::string failures_note() const {
    if (registry_.failures().empty()) return "";
    std::vector<std::string> files;
    for (const LoadFailure& failure : registry_.failures()) files.push_back(failure.path.filename().string());
    return "; these plugin libraries failed to load (see `liouville plugins`): " + join(files, ", ");
  }

  // The pairs of a map, reporting non-scalar and duplicate keys (YAML would keep the last silently).
  std::vector<MapEntry> entries_of(const YAML::Node& node, const Params& params) {
    std::vector<MapEntry> entries;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        error(it->first, params.path(), "a key must be a name, got " + describe_node(it->first));
        continue;
      }
      const std::string name = it->first.Scalar();
      const auto first =
          std::find_if(entries.begin(), entries.end(), [&](const MapEntry& entry) { return entry.name == name; });
      if (first != entries.end()) {
        error(it->first, child_path(params.path(), name),
              "duplicate key " + quote(name) + " (at " + position_text(first->key) + " and " +
                  position_text(it->first) + ")",
              "YAML would silently keep only the last one; remove one of them");
        continue;
      }
      entries.push_back({name, it->first, it->second});
    }
    return entries;
  }

  void bind_entry(const ParameterSpec& spec, const YAML::Node& value, Params& params) {
    const std::string path = child_path(params.path(), spec.name());
    switch (spec.kind()) {
      case ValueKind::kIntList:
      case ValueKind::kRealList:
      case ValueKind::kStringList:
        bind_list(spec, value, path, params);
        return;
      case ValueKind::kComponent:
        if (auto child = bind_component(spec.interface(), value, path)) params.set_child(spec.name(), *child);
        return;
      case ValueKind::kComponentList:
        bind_items(spec, value, path, params, [&](const YAML::Node& item, const std::string& item_at) {
          return bind_component(spec.interface(), item, item_at);
        });
        return;
      case ValueKind::kSection: {
        Params child(path, "");
        bind_map(value, value, *spec.section(), child, false, false);
        params.set_child(spec.name(), std::move(child));
        return;
      }
      case ValueKind::kSectionList:
        bind_items(spec, value, path, params, [&](const YAML::Node& item, const std::string& item_at) {
          Params child(item_at, "");
          const std::size_t errors_before = errors_.size();
          if (!item.IsMap())
            error(item, item_at, "expected a map of parameters, got " + describe_node(item));
          else
            bind_map(item, item, *spec.section(), child, false, false);
          return errors_.size() == errors_before ? std::optional<Params>(std::move(child)) : std::nullopt;
        });
        return;
      default:
        bind_scalar(spec, value, path, params);
    }
  }

  void bind_scalar(const ParameterSpec& spec, const YAML::Node& node, const std::string& path, Params& params) {
    auto read = read_scalar(spec.kind(), node);
    if (const auto* why = std::get_if<std::string>(&read)) {
      error(node, path, *why, spec.describe());
      return;
    }
    Value value = std::get<Value>(std::move(read));
    if (spec.kind() == ValueKind::kChoice) {
      const auto& chosen = std::get<std::string>(value);
      if (std::find(spec.choices().begin(), spec.choices().end(), chosen) == spec.choices().end()) {
        error(node, path, quote(chosen) + " is not a valid " + spec.name() + did_you_mean(chosen, spec.choices()),
              "choices: " + join(spec.choices(), ", "));
        return;
      }
    }
    if (auto violation = value_violation(spec, value)) {
      error(node, path, *violation, spec.describe());
      return;
    }
    params.set(spec.name(), std::move(value));
  }

  void bind_list(const ParameterSpec& spec, const YAML::Node& node, const std::string& path, Params& params) {
    if (!node.IsSequence()) {
      error(node, path, std::string("expected ") + list_expectation(spec.kind()) + ", got " + describe_node(node),
            node.IsScalar() ? "write [" + node.Scalar() + "] for a list of one" : spec.describe());
      return;
    }
    const ValueKind element = spec.kind() == ValueKind::kIntList    ? ValueKind::kInt
                              : spec.kind() == ValueKind::kRealList ? ValueKind::kReal
                                                                    : ValueKind::kString;
    std::vector<Value> items;
    bool valid = true;
    for (std::size_t i = 0; i < node.size(); ++i) {
      auto read = read_scalar(element, node[i]);
      if (const auto* why = std::get_if<std::string>(&read)) {
        error(node[i], item_path(path, i), *why, spec.describe());
        valid = false;
      } else if (element != ValueKind::kString) {
        const Value& item = std::get<Value>(read);
        const double number = std::holds_alternative<long>(item) ? static_cast<double>(std::get<long>(item))
                                                                 : std::get<double>(item);
        if (auto violation = range_violation(spec, spec.name() + "[" + std::to_string(i) + "]", number)) {
          error(node[i], item_path(path, i), *violation, spec.describe());
          valid = false;
        }
      }
      if (valid) items.push_back(std::get<Value>(std::move(read)));
    }
    if (!valid) return;
    if (auto violation = size_violation(spec, spec.name(), static_cast<long>(items.size()))) {
      error(node, path, *violation, spec.describe());
      return;
    }
    params.set(spec.name(), list_value(element, items));
  }

  static Value list_value(ValueKind element, const std::vector<Value>& items) {
    const auto collect = [&](auto typed) {
      for (const Value& item : items) {
        using T = typename decltype(typed)::value_type;
        if constexpr (std::is_same_v<T, double>)
          typed.push_back(std::holds_alternative<long>(item) ? static_cast<double>(std::get<long>(item))
                                                             : std::get<double>(item));
        else
          typed.push_back(std::get<T>(item));
      }
      return Value{std::move(typed)};
    };
    if (element == ValueKind::kInt) return collect(std::vector<long>{});
    if (element == ValueKind::kReal) return collect(std::vector<double>{});
    return collect(std::vector<std::string>{});
  }

  // A YAML list whose items bind through `bind_item`; sizes are checked like other lists.
  template <class BindItem>
  void bind_items(const ParameterSpec& spec, const YAML::Node& node, const std::string& path, Params& params,
                  BindItem bind_item) {
    if (!node.IsSequence()) {
      error(node, path, std::string("expected ") + list_expectation(spec.kind()) + ", got " + describe_node(node),
            spec.describe());
      return;
    }
    std::vector<Params> items;
    bool valid = true;
    for (std::size_t i = 0; i < node.size(); ++i) {
      auto item = bind_item(node[i], item_path(path, i));
      valid = valid && item.has_value();
      if (item) items.push_back(std::move(*item));
    }
    if (!valid) return;
    if (auto violation = size_violation(spec, spec.name(), static_cast<long>(items.size()))) {
      error(node, path, *violation, spec.describe());
      return;
    }
    params.set_children(spec.name(), std::move(items));
  }

  void bind_absent(const ParameterSpec& spec, const YAML::Node& place, Params& params) {
    const std::string path = child_path(params.path(), spec.name());
    const ValueKind kind = spec.kind();
    if (kind == ValueKind::kComponent && spec.default_value()) {
      const std::string& type = std::get<std::string>(*spec.default_value());
      const RegisteredComponent* component = registry_.find(spec.interface(), type);
      if (!component) {
        error(place, path,
              "the default " + spec.interface() + " " + quote(type) + " of " + quote(spec.name()) +
                  " is not loaded; give `" + spec.name() + ": {type: ...}`",
              "valid " + spec.interface() + " names: " + join(registry_.names(spec.interface()), ", ") +
                  failures_note());
        return;
      }
      Params child(path, type);
      bind_map(YAML::Node(), place, component->schema, child, true, false);
      params.set_child(spec.name(), std::move(child));
    } else if (spec.default_value()) {
      params.set(spec.name(), *spec.default_value());
    } else if (kind == ValueKind::kSection && !needs_values(*spec.section())) {
      Params child(path, "");
      bind_map(YAML::Node(), place, *spec.section(), child, false, false);
      params.set_child(spec.name(), std::move(child));
    } else if (spec.is_required() || kind == ValueKind::kSection) {
      error(place, path, "missing required key " + quote(spec.name()), spec.describe());
    } else if (kind == ValueKind::kComponentList) {
      params.set_children(spec.name(), {});
    }
  }

  void run_checks(const Schema& schema, const Params& params, const YAML::Node& place) {
    for (const Schema::Check& check : schema.checks()) {
      try {
        if (auto problem = check(params)) error(place, params.path(), *problem);
      } catch (const std::exception& thrown) {
        error(place, params.path(), std::string("a check of this schema failed: ") + thrown.what());
      }
    }
  }

  const detail::ConfigDocumentData& document_;
  const Registry& registry_;
  std::vector<Diagnostic> errors_;
};

}  // namespace

Params bind(const ConfigDocument& document, const Schema& top, const Registry& registry) {
  const detail::ConfigDocumentData& impl = *document.impl_;
  Binder binder(impl, registry);
  long budget = kMaxNodes;
  if (!binder.within_limits(impl.root, 0, budget)) throw ConfigErrors(binder.take_errors());
  Params root;
  binder.bind_map(impl.root, impl.root, top, root, false, true);
  auto errors = binder.take_errors();
  if (!errors.empty()) throw ConfigErrors(std::move(errors));
  return root;
}

}  // namespace liouville
