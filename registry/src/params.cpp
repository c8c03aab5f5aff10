#include "liouville/registry/params.hpp"

#include "liouville/core/errors.hpp"
#include "value_text.hpp"

namespace liouville {

namespace {

std::string key_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

}  // namespace

Params::Params(std::string path, std::string type) : path_(std::move(path)), type_(std::move(type)) {}

bool Params::has(std::string_view key) const {
  return values_.contains(key) || children_.contains(key) || lists_.contains(key);
}

const Value& Params::get(std::string_view key) const {
  const auto found = values_.find(key);
  if (found != values_.end()) return found->second;
  if (children_.contains(key) || lists_.contains(key))
    throw ConfigError(key_path(path_, key) + ": is a component or section, not a value");
  throw ConfigError(key_path(path_, key) + ": missing parameter '" + std::string(key) + "'");
}

namespace {

template <class T>
const T& get_as(const Value& value, const std::string& path, std::string_view key, const char* wanted) {
  const T* typed = std::get_if<T>(&value);
  if (!typed)
    throw ConfigError(key_path(path, key) + ": expected " + with_article(wanted) + ", but the value is " +
                      with_article(value_type_name(value)) + " (" + value_text(value) + ")");
  return *typed;
}

}  // namespace

bool Params::get_bool(std::string_view key) const { return get_as<bool>(get(key), path_, key, "bool"); }

long Params::get_int(std::string_view key) const { return get_as<long>(get(key), path_, key, "int"); }

double Params::get_real(std::string_view key) const {
  const Value& value = get(key);
  if (const long* number = std::get_if<long>(&value)) return static_cast<double>(*number);
  return get_as<double>(value, path_, key, "real");
}

const std::string& Params::get_string(std::string_view key) const {
  return get_as<std::string>(get(key), path_, key, "string");
}

std::filesystem::path Params::get_path(std::string_view key) const {
  return get_as<std::string>(get(key), path_, key, "path");
}

const std::vector<long>& Params::get_int_list(std::string_view key) const {
  return get_as<std::vector<long>>(get(key), path_, key, "int list");
}

const std::vector<double>& Params::get_real_list(std::string_view key) const {
  return get_as<std::vector<double>>(get(key), path_, key, "real list");
}

const std::vector<std::string>& Params::get_string_list(std::string_view key) const {
  return get_as<std::vector<std::string>>(get(key), path_, key, "string list");
}

const Params& Params::child(std::string_view key) const {
  const auto found = children_.find(key);
  if (found != children_.end()) return found->second;
  if (values_.contains(key) || lists_.contains(key))
    throw ConfigError(key_path(path_, key) + ": is not a single component or section");
  throw ConfigError(key_path(path_, key) + ": missing component or section '" + std::string(key) + "'");
}

const std::vector<Params>& Params::children(std::string_view key) const {
  const auto found = lists_.find(key);
  if (found != lists_.end()) return found->second;
  if (values_.contains(key) || children_.contains(key))
    throw ConfigError(key_path(path_, key) + ": is not a list of components or sections");
  throw ConfigError(key_path(path_, key) + ": missing list '" + std::string(key) + "'");
}

void Params::set(std::string key, Value value) { values_.insert_or_assign(std::move(key), std::move(value)); }

void Params::set_child(std::string key, Params child) {
  children_.insert_or_assign(std::move(key), std::move(child));
}

void Params::set_children(std::string key, std::vector<Params> children) {
  lists_.insert_or_assign(std::move(key), std::move(children));
}

}  // namespace liouville
