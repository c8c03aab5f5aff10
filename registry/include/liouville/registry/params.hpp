// Params: the validated, defaults-filled values of one component or section,
// as a tree. A plugin constructor receives its own Params; component-typed
// entries are child Params built through the BuildContext.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "liouville/registry/schema.hpp"

namespace liouville {

class Params {
 public:
  Params() = default;
  Params(std::string path, std::string type);

  // Key path of this node in the config, e.g. "model.flow[0].solver".
  const std::string& path() const { return path_; }
  // Component type name ("tsit5"); empty for a section.
  const std::string& type() const { return type_; }

  bool has(std::string_view key) const;  // a value or child is present

  bool get_bool(std::string_view key) const;
  long get_int(std::string_view key) const;
  double get_real(std::string_view key) const;                // an int value is widened
  const std::string& get_string(std::string_view key) const;  // strings and choices
  std::filesystem::path get_path(std::string_view key) const;
  const std::vector<long>& get_int_list(std::string_view key) const;
  const std::vector<double>& get_real_list(std::string_view key) const;  // int lists widened at binding
  const std::vector<std::string>& get_string_list(std::string_view key) const;
  const Value& get(std::string_view key) const;

  const Params& child(std::string_view key) const;                  // component or section
  const std::vector<Params>& children(std::string_view key) const;  // component or section list

  // Building (used by the binder and tests).
  void set(std::string key, Value value);
  void set_child(std::string key, Params child);
  void set_children(std::string key, std::vector<Params> children);

  const std::map<std::string, Value, std::less<>>& values() const { return values_; }
  const std::map<std::string, Params, std::less<>>& child_map() const { return children_; }
  const std::map<std::string, std::vector<Params>, std::less<>>& list_map() const { return lists_; }

 private:
  std::string path_;
  std::string type_;
  std::map<std::string, Value, std::less<>> values_;
  std::map<std::string, Params, std::less<>> children_;
  std::map<std::string, std::vector<Params>, std::less<>> lists_;
};

}  // namespace liouville
