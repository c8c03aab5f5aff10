// to_yaml(Params, ...): the effective config, in schema order, with the values
// that equal their default marked, for `liouville config`.
#include <yaml-cpp/yaml.h>

#include "liouville/registry/config.hpp"
#include "value_text.hpp"

namespace liouville {

namespace {

// Emits a value so that binding the output reads it back the same.
struct ValueEmitter {
  YAML::Emitter& out;
  void operator()(bool flag) const { out << flag; }
  void operator()(long number) const { out << number; }
  void operator()(double number) const { out << number_text(number); }
  void operator()(const std::string& text) const { out << text; }
  template <class T>
  void operator()(const std::vector<T>& items) const {
    out << YAML::Flow << YAML::BeginSeq;
    for (const T& item : items) (*this)(item);
    out << YAML::EndSeq;
  }
};

class EffectiveConfig {
 public:
  explicit EffectiveConfig(const Registry& registry) : registry_(registry) {}

  void emit_map(YAML::Emitter& out, const Params& params, const Schema& schema,
                const std::optional<Value>& default_type) {
    out << YAML::BeginMap;
    if (!params.type().empty()) {
      out << YAML::Key << "type" << YAML::Value << params.type();
      if (default_type && *default_type == Value{params.type()}) out << YAML::Comment("default");
    }
    for (const auto& spec : schema.entries()) {
      const std::string& name = spec->name();
      if (!params.has(name)) continue;
      out << YAML::Key << name << YAML::Value;
      switch (spec->kind()) {
        case ValueKind::kComponent:
          emit_component(out, params.child(name), spec->interface(), spec->default_value());
          break;
        case ValueKind::kComponentList:
          out << YAML::BeginSeq;
          for (const Params& item : params.children(name)) emit_component(out, item, spec->interface(), {});
          out << YAML::EndSeq;
          break;
        case ValueKind::kSection:
          emit_map(out, params.child(name), *spec->section(), {});
          break;
        case ValueKind::kSectionList:
          out << YAML::BeginSeq;
          for (const Params& item : params.children(name)) emit_map(out, item, *spec->section(), {});
          out << YAML::EndSeq;
          break;
        default:
          std::visit(ValueEmitter{out}, params.get(name));
          if (spec->default_value() && *spec->default_value() == params.get(name)) out << YAML::Comment("default");
      }
    }
    out << YAML::EndMap;
  }

 private:
  void emit_component(YAML::Emitter& out, const Params& params, std::string_view interface,
                      const std::optional<Value>& default_type) {
    static const Schema kNoSchema;
    const RegisteredComponent* component = registry_.find(interface, params.type());
    emit_map(out, params, component ? component->schema : kNoSchema, default_type);
  }

  const Registry& registry_;
};

}  // namespace

std::string to_yaml(const Params& params, const Schema& top, const Registry& registry) {
  YAML::Emitter out;
  EffectiveConfig(registry).emit_map(out, params, top, {});
  return std::string(out.c_str()) + "\n";
}

}  // namespace liouville
