#include "liouville/registry/registry.hpp"

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <system_error>

#include "constraints.hpp"
#include "elf_check.hpp"
#include "interfaces.hpp"
#include "liouville/core/errors.hpp"
#include "value_text.hpp"

namespace liouville {

namespace fs = std::filesystem;

namespace {

using Library = boost::dll::shared_library;

std::string component_label(std::string_view interface, std::string_view name) {
  return std::string(interface) + " " + quote(name);
}

std::string load_error(const fs::path& path, const std::string& reason) {
  return "cannot load plugin " + quote(path.string()) + ": " + reason;
}

bool is_plugin_file_name(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.starts_with("liouville_") && path.extension() == ".so";
}

// Another user who can write the file or its folder could swap the code the host
// is about to run (the same rule as ssh's StrictModes).
std::optional<std::string> writable_by_others(const fs::path& file, const fs::path& given) {
  std::vector<fs::path> places{file, file.parent_path()};
  if (fs::is_symlink(given)) places.push_back(fs::absolute(given).parent_path());
  for (const fs::path& place : places) {
    struct stat info {};
    if (::stat(place.c_str(), &info) != 0 || !(info.st_mode & (S_IWGRP | S_IWOTH))) continue;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return std::string(place == file ? "the file " : "its folder ") + quote(place.string()) + " is " +
           (info.st_mode & S_IWOTH ? "world" : "group") +
           "-writable: expected no write permission for group and "
           "others, got mode " +
           mode + "; another user could replace the plugin's code. Run `chmod go-w " + place.string() + "`";
  }
  return std::nullopt;
}

// "planar" or "vendor/name": lowercase letters, digits and '_' in one or two parts.
bool valid_component_name(std::string_view name) {
  const std::size_t slash = name.find('/');
  const auto valid_part = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
  };
  if (slash == std::string_view::npos) return valid_part(name);
  return valid_part(name.substr(0, slash)) && valid_part(name.substr(slash + 1));
}

// A schema whose own defaults break its rules would fail every config that omits them.
std::optional<std::string> schema_defect(const Schema& schema, bool component_level) {
  for (const auto& spec : schema.entries()) {
    if (component_level && spec->name() == "type")
      return "'type' is reserved for the component's type name; rename the parameter";
    if (spec->default_value())
      if (auto violation = value_violation(*spec, *spec->default_value()))
        return "the default of " + quote(spec->name()) + " breaks its own rule: " + *violation;
    const bool component = spec->kind() == ValueKind::kComponent || spec->kind() == ValueKind::kComponentList;
    const auto& interfaces = known_interfaces();
    if (component && std::find(interfaces.begin(), interfaces.end(), spec->interface()) == interfaces.end())
      return quote(spec->name()) + " names the unknown interface " + quote(spec->interface()) +
             "; known interfaces: " + join({interfaces.begin(), interfaces.end()}, ", ");
    if (spec->section())
      if (auto defect = schema_defect(*spec->section(), false))
        return "in section " + quote(spec->name()) + ": " + *defect;
  }
  return std::nullopt;
}

// The plain fields of the entry, checked in the order a mismatch makes the next unsafe to read.
std::optional<std::string> entry_mismatch(const PluginEntry& entry) {
  const std::string rebuild = "; rebuild the plugin against this Liouville";
  if (entry.abi_version != LIOUVILLE_PLUGIN_ABI_VERSION)
    return "plugin ABI version mismatch: expected " + std::to_string(LIOUVILLE_PLUGIN_ABI_VERSION) + ", got " +
           std::to_string(entry.abi_version) + rebuild;
  if (entry.entry_size != sizeof(PluginEntry))
    return "plugin entry size mismatch: expected " + std::to_string(sizeof(PluginEntry)) + " bytes, got " +
           std::to_string(entry.entry_size) + rebuild;
  if (!entry.build_tag) return "the plugin entry has no build tag" + rebuild;
  if (std::strcmp(entry.build_tag, LIOUVILLE_BUILD_TAG) != 0)
    return "build tag mismatch: expected " + quote(LIOUVILLE_BUILD_TAG) + ", got " + quote(entry.build_tag) +
           rebuild + " (same compiler, standard library and Eigen)";
  if (!entry.library_name || !entry.library_version || !entry.components)
    return "the plugin entry is incomplete (no name, version or component list)" + rebuild;
  return std::nullopt;
}

// Rethrows an error of a plugin constructor naming where in the config it happened,
// unless it already does (an error of a component built inside it).
template <class E>
[[noreturn]] void rethrow_at(const std::string& path, const std::string& label, const std::string& message) {
  throw E(!path.empty() && message.starts_with(path) ? message : label + ": " + message);
}

struct PinningDeleter {
  std::shared_ptr<const void> library;
  void operator()(Component* component) const { delete component; }
};

}  // namespace

Registry::Registry() = default;
Registry::~Registry() = default;
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;

fs::path Registry::default_plugin_dir() {
  // Beside this library (LIBDIR/liouville/plugins next to LIBDIR/libliouville_registry.so),
  // so the host and any program linking the installed registry find the same plugins.
  return (boost::dll::this_line_location().parent_path() / "liouville" / "plugins").lexically_normal();
}

void Registry::load_search_path(const std::vector<fs::path>& extra) {
  std::vector<fs::path> places{default_plugin_dir()};
  const bool default_missing = !fs::exists(places.front());
  if (const char* variable = std::getenv("LIOUVILLE_PLUGIN_PATH")) {
    std::string_view rest = variable;
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      const std::string_view entry = rest.substr(0, colon);
      if (!entry.empty()) places.emplace_back(entry);
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
  }
  places.insert(places.end(), extra.begin(), extra.end());

  const auto try_load = [this](const fs::path& file) {
    auto refusal = load(file);
    if (refusal && std::none_of(failures_.begin(), failures_.end(), [&](const auto& f) { return f.path == file; }))
      failures_.push_back({file, std::move(*refusal)});
  };
  for (std::size_t i = 0; i < places.size(); ++i) {
    const fs::path& place = places[i];
    std::error_code error;
    if (fs::is_directory(place, error)) {
      std::vector<fs::path> files;
      for (const auto& item : fs::directory_iterator(place, error))
        if (is_plugin_file_name(item.path())) files.push_back(item.path());
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) try_load(file);
    } else if (i > 0 || !default_missing) {
      try_load(place);
    }
  }
}

std::optional<std::string> Registry::load(const fs::path& path) {
  std::error_code error;
  if (!fs::exists(path, error)) return "the file does not exist (check `plugins:` and LIOUVILLE_PLUGIN_PATH)";
  if (!fs::is_regular_file(path, error)) return "not a regular file; give a plugin library or a folder of them";
  const fs::path canonical = fs::canonical(path);
  if (std::find(loaded_.begin(), loaded_.end(), canonical) != loaded_.end()) return std::nullopt;

  if (auto problem = elf_problem(canonical)) return *problem;
  if (auto problem = writable_by_others(canonical, path)) return *problem;

  auto library = std::make_shared<Library>();
  library->load(canonical, error, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
  if (error) {
    const char* detail = dlerror();
    return std::string("the dynamic loader refused it: ") + (detail ? detail : error.message()) +
           ". It is not a shared library, is truncated, or needs a symbol or library that is not "
           "available (check with `ldd -r`); rebuild it against this Liouville";
  }
  if (!library->has(kPluginEntrySymbol))
    return std::string("not a Liouville plugin: it does not export ") + quote(kPluginEntrySymbol) +
           "; was it built with liouville_add_plugin()?";

  const PluginEntry* entry = nullptr;
  try {
    entry = library->get_alias<PluginEntryFunction>(kPluginEntrySymbol)();
  } catch (const std::exception& thrown) {
    return std::string("its entry point threw: ") + thrown.what();
  } catch (...) {
    return "its entry point threw a non-standard exception";
  }
  if (!entry) return "its entry point returned no entry";
  if (auto mismatch = entry_mismatch(*entry)) return *mismatch;
  const std::vector<ComponentInfo>* infos = nullptr;
  try {
    infos = entry->components();
  } catch (const std::exception& thrown) {
    return std::string("its component list threw: ") + thrown.what();
  } catch (...) {
    return "its component list threw a non-standard exception";
  }
  const bool bundled = canonical.parent_path() == fs::weakly_canonical(default_plugin_dir());
  if (!infos || infos->empty())
    return "it registers no components; add LIOUVILLE_REGISTER(Interface, Class) to one of its sources";

  std::vector<std::unique_ptr<RegisteredComponent>> accepted;
  std::set<std::pair<std::string, std::string>> seen;
  for (const ComponentInfo& info : *infos) {
    const std::string label = component_label(info.interface, info.name);
    const auto& interfaces = known_interfaces();
    if (std::find(interfaces.begin(), interfaces.end(), info.interface) == interfaces.end())
      return label + " is registered under an unknown interface; known interfaces: " +
             join({interfaces.begin(), interfaces.end()}, ", ");
    if (info.name.empty() || !info.declare || !info.create)
      return label + " is registered without a name, declare() or factory";
    if (!valid_component_name(info.name))
      return label + " has an invalid name: expected 'name' or 'vendor/name' of lowercase letters, digits and '_'";
    if (!bundled && info.name.find('/') == std::string_view::npos)
      return label + " has no vendor prefix: bare names are reserved for the plugins in " +
             quote(default_plugin_dir().string()) + "; a third-party plugin registers 'vendor/" +
             std::string(info.name) + "'";
    std::pair<std::string, std::string> key{std::string(info.interface), std::string(info.name)};
    if (!seen.insert(key).second) return label + " is registered twice in it";
    if (const auto found = components_.find(key); found != components_.end())
      return label + " is already registered by " + quote(found->second->library_path) +
             "; remove one of the two libraries from the search path";

    auto component = std::make_unique<RegisteredComponent>();
    try {
      info.declare(component->schema);
    } catch (const std::exception& thrown) {
      return "declare() of " + label + " threw: " + thrown.what();
    } catch (...) {
      return "declare() of " + label + " threw a non-standard exception";
    }
    if (auto defect = schema_defect(component->schema, true))
      return "the schema of " + label + " is invalid: " + *defect;
    component->info = &info;
    component->library_path = canonical.string();
    component->library_name = entry->library_name;
    component->library_version = entry->library_version;
    component->library_ = library;
    accepted.push_back(std::move(component));
  }

  for (auto& component : accepted) {
    std::pair<std::string, std::string> key{std::string(component->info->interface),
                                            std::string(component->info->name)};
    components_.emplace(std::move(key), std::move(component));
  }
  loaded_.push_back(canonical);
  libraries_.push_back(std::move(library));
  return std::nullopt;
}

void Registry::load_library(const fs::path& path) {
  if (auto refusal = load(path)) throw PluginError(load_error(path, *refusal));
}

const RegisteredComponent* Registry::find(std::string_view interface, std::string_view name) const {
  const auto found = components_.find({std::string(interface), std::string(name)});
  return found == components_.end() ? nullptr : found->second.get();
}

std::vector<const RegisteredComponent*> Registry::list(std::string_view interface) const {
  std::vector<const RegisteredComponent*> listed;
  for (const auto& [key, component] : components_)
    if (interface.empty() || key.first == interface) listed.push_back(component.get());
  return listed;
}

std::vector<std::string> Registry::names(std::string_view interface) const {
  std::vector<std::string> listed;
  for (const auto& [key, component] : components_)
    if (key.first == interface) listed.push_back(key.second);
  return listed;
}

std::shared_ptr<Component> Registry::create(std::string_view interface, const Params& params,
                                            BuildContext& context) const {
  const std::string where = params.path().empty() ? std::string(interface) : params.path();
  if (params.type().empty()) throw ConfigError(where + ": no `type:` names the " + std::string(interface));
  const RegisteredComponent* component = find(interface, params.type());
  if (!component) {
    const auto known = names(interface);
    throw ConfigError(where + ": unknown " + component_label(interface, params.type()) +
                      "; registered: " + (known.empty() ? std::string("none") : join(known, ", ")));
  }

  const std::string label = where + " (" + component_label(interface, params.type()) + ")";
  std::unique_ptr<Component> made;
  try {
    made = component->info->create(params, context);
  } catch (const ConfigError& error) {
    rethrow_at<ConfigError>(params.path(), label, error.what());
  } catch (const NotSupported& error) {
    rethrow_at<NotSupported>(params.path(), label, error.what());
  } catch (const DataError& error) {
    rethrow_at<DataError>(params.path(), label, error.what());
  } catch (const NumericalError& error) {
    rethrow_at<NumericalError>(params.path(), label, error.what());
  } catch (const std::exception& error) {
    rethrow_at<PluginError>(params.path(), label, error.what());
  } catch (...) {
    throw PluginError(label + ": the constructor threw a non-standard exception");
  }
  if (!made) throw PluginError(label + ": the factory built nothing");
  if (!implements(interface, *made))
    throw PluginError(label + ": the plugin built an object that is not " + with_article(interface) +
                      "; fix its LIOUVILLE_REGISTER line in " + quote(component->library_path));
  return {made.release(), PinningDeleter{component->library_}};
}

RegistryBuildContext::RegistryBuildContext(const Registry& registry, ParameterStore& parameters, Rng& init_rng,
                                           Index dim, std::shared_ptr<ThreadPool> pool)
    : registry_(registry), parameters_(parameters), init_rng_(init_rng), dim_(dim), pool_(std::move(pool)) {
  if (!pool_) throw ConfigError("build context: no thread pool (pass serial_thread_pool() to run serially)");
}

std::unique_ptr<BuildContext> RegistryBuildContext::with_dim(Index dim) {
  return std::make_unique<RegistryBuildContext>(registry_, parameters_, init_rng_, dim, pool_);
}

std::shared_ptr<Component> RegistryBuildContext::create_component(std::string_view interface,
                                                                  const Params& params) {
  return registry_.create(interface, params, *this);
}

}  // namespace liouville
