// The parsed document behind ConfigDocument (private to the registry).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "liouville/registry/config.hpp"

namespace liouville {

// Limits checked before a document is walked (an alias is counted at every use).
inline constexpr int kMaxDepth = 64;
inline constexpr long kMaxNodes = 100000;

// One command-line override and the nodes it set or created.
struct ConfigOverride {
  std::string text;  // "model.flow[0].solver.rtol=1e-8"
  std::vector<YAML::Node> nodes;
};

namespace detail {

struct ConfigDocumentData {
  std::string file_name;
  YAML::Node root;
  std::vector<ConfigOverride> overrides;

  // The override that set or created `node`, if any (identity, not equality).
  const ConfigOverride* override_of(const YAML::Node& node) const;
  // The folder relative paths in the document are read against.
  std::filesystem::path base_dir() const { return std::filesystem::path(file_name).parent_path(); }
};

}  // namespace detail

// A diagnostic at `node`: its line:col in the file, or the override that set it.
Diagnostic diagnostic_at(const detail::ConfigDocumentData& document, const YAML::Node& node, std::string path,
                         std::string message, std::string note = {});

}  // namespace liouville
