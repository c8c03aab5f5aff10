// Experiment configs: a YAML document, command-line overrides, and its binding
// to the schemas of the host and of the plugins.
//
//   auto document = liouville::ConfigDocument::from_file("configs/x.yaml");
//   document.apply_override("model.flow[0].solver.rtol=1e-8");
//   registry.load_search_path(document.plugin_paths());
//   liouville::Params params = liouville::bind(document, top_schema, registry);  // or ConfigErrors
//
// Every failure is a ConfigErrors listing each problem with file:line:col and
// the key path; nothing is built until the whole document validates.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "liouville/registry/diagnostics.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/registry.hpp"
#include "liouville/registry/schema.hpp"

namespace liouville {

class ConfigDocument;
namespace detail {
struct ConfigDocumentData;
}
Params bind(const ConfigDocument& document, const Schema& top, const Registry& registry);

class ConfigDocument {
 public:
  // An unreadable file or malformed YAML throws ConfigErrors (with line:col).
  static ConfigDocument from_file(const std::filesystem::path& path);
  // `file_name` is used in diagnostics and as the base of relative paths.
  static ConfigDocument from_string(std::string text, std::string file_name);

  ConfigDocument(ConfigDocument&&) noexcept;
  ConfigDocument& operator=(ConfigDocument&&) noexcept;
  ~ConfigDocument();

  // "train.stages[1].iterations=50": the value is read as YAML (a scalar or a
  // flow collection such as [64, 64] or {type: tsit5}); missing map keys are
  // created, list items must exist. Bad syntax throws ConfigErrors.
  void apply_override(std::string_view assignment);

  // The top-level `plugins:` list (folders or library files); relative entries are
  // made absolute against the config file's folder. Not part of the host's schema.
  std::vector<std::filesystem::path> plugin_paths() const;

  std::string file_name() const;
  // The document with its overrides applied and `plugins:` made absolute.
  std::string to_yaml() const;

 private:
  ConfigDocument();
  std::unique_ptr<detail::ConfigDocumentData> impl_;
  friend Params bind(const ConfigDocument& document, const Schema& top, const Registry& registry);
};

// Validates the whole document against `top` and the schemas of the components it
// names, reporting every error at once (ConfigErrors); constructs nothing. Returns
// the Params tree with defaults filled. `path` values are kept as written (relative
// ones are relative to the working directory, like paths on the command line).
Params bind(const ConfigDocument& document, const Schema& top, const Registry& registry);

// The effective config as YAML, in schema order, values equal to their default
// marked `# default` (for `liouville config`).
std::string to_yaml(const Params& params, const Schema& top, const Registry& registry);

}  // namespace liouville
