// ConfigDocument: a config file read as YAML, command-line overrides applied to
// it, and the document written back.
#include <cctype>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <variant>

#include "config_document_impl.hpp"
#include "value_text.hpp"

namespace liouville {

namespace fs = std::filesystem;

const ConfigOverride* detail::ConfigDocumentData::override_of(const YAML::Node& node) const {
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it)
    for (const YAML::Node& set : it->nodes)
      if (set.is(node)) return &*it;
  return nullptr;
}

Diagnostic diagnostic_at(const detail::ConfigDocumentData& document, const YAML::Node& node, std::string path,
                         std::string message, std::string note) {
  Diagnostic diagnostic{document.file_name, 0, 0, std::move(path), std::move(message), std::move(note)};
  if (const ConfigOverride* set_by = document.override_of(node)) {
    diagnostic.file = "override " + quote(set_by->text);
  } else if (!node.Mark().is_null()) {
    diagnostic.line = node.Mark().line + 1;
    diagnostic.column = node.Mark().column + 1;
  }
  return diagnostic;
}

ConfigDocument::ConfigDocument() : impl_(std::make_unique<detail::ConfigDocumentData>()) {}
ConfigDocument::ConfigDocument(ConfigDocument&&) noexcept = default;
ConfigDocument& ConfigDocument::operator=(ConfigDocument&&) noexcept = default;
ConfigDocument::~ConfigDocument() = default;

ConfigDocument ConfigDocument::from_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  if (!(file && text << file.rdbuf())) {
    std::error_code error;
    const std::string why = !fs::exists(path, error)        ? "the file does not exist"
                            : fs::is_directory(path, error) ? "it is a folder"
                                                            : "the file cannot be read";
    throw ConfigErrors({Diagnostic{path.string(), 0, 0, "", "cannot read the config file: " + why, ""}});
  }
  return from_string(text.str(), path.string());
}

ConfigDocument ConfigDocument::from_string(std::string text, std::string file_name) {
  ConfigDocument document;
  document.impl_->file_name = std::move(file_name);
  try {
    document.impl_->root = YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    Diagnostic diagnostic{document.impl_->file_name, 0, 0, "", "malformed YAML: " + error.msg, ""};
    if (!error.mark.is_null()) {
      diagnostic.line = error.mark.line + 1;
      diagnostic.column = error.mark.column + 1;
    }
    throw ConfigErrors({std::move(diagnostic)});
  }
  return document;
}

namespace {

// One step of an override's key path: a map key or a list index.
struct KeyStep {
  std::string key;  // empty for an index
  std::size_t index = 0;
};

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '/';
}

// "train.stages[1].iterations" -> train, stages, [1], iterations; or why it is not a key path.
std::variant<std::vector<KeyStep>, std::string> parse_key_path(std::string_view path) {
  std::vector<KeyStep> steps;
  std::size_t at = 0;
  bool expect_key = true;
  while (at < path.size()) {
    if (expect_key) {
      const std::size_t start = at;
      while (at < path.size() && is_key_char(path[at])) ++at;
      if (at == start) return "expected a key at character " + std::to_string(at + 1);
      steps.push_back({std::string(path.substr(start, at - start))});
      expect_key = false;
    } else if (path[at] == '.') {
      ++at;
      expect_key = true;
    } else if (path[at] == '[') {
      const std::size_t close = path.find(']', at);
      const std::string_view digits = path.substr(at + 1, close == std::string_view::npos ? 0 : close - at - 1);
      if (close == std::string_view::npos || digits.empty() ||
          digits.find_first_not_of("0123456789") != std::string_view::npos || digits.size() > 9)
        return "expected a list index like [0] at character " + std::to_string(at + 1);
      steps.push_back({"", std::stoul(std::string(digits))});
      at = close + 1;
    } else {
      return std::string("unexpected ") + quote(std::string(1, path[at])) + " at character " +
             std::to_string(at + 1);
    }
  }
  if (expect_key) return std::string("the key path ends with '.' or is empty");
  return steps;
}

struct Refusal {
  std::string path;
  std::string message;
};

// Why `steps` cannot be set in `node` (reached by `walked`): list items must exist;
// missing or empty map keys are created.
std::optional<Refusal> unreachable(const YAML::Node& node, std::span<const KeyStep> steps,
                                   const std::string& walked) {
  if (steps.empty()) return std::nullopt;
  const KeyStep& step = steps.front();
  const std::string here = step.key.empty() ? walked + "[" + std::to_string(step.index) + "]"
                                            : (walked.empty() ? step.key : walked + "." + step.key);
  const std::string what = walked.empty() ? std::string("the document") : walked;
  const bool absent = !node.IsDefined() || node.IsNull();
  if (step.key.empty()) {
    if (absent || !node.IsSequence()) return Refusal{here, what + " is not a list"};
    if (step.index >= node.size())
      return Refusal{here, what + " has " + std::to_string(node.size()) + " items; there is no item " +
                               std::to_string(step.index)};
    return unreachable(node[step.index], steps.subspan(1), here);
  }
  if (!absent && !node.IsMap()) return Refusal{here, what + " is not a map"};
  return unreachable(absent ? YAML::Node() : node[step.key], steps.subspan(1), here);
}

// Appends `node` and everything under it (diagnostics inside an override's value name the override).
bool collect_nodes(const YAML::Node& node, int depth, std::vector<YAML::Node>& nodes) {
  if (depth > kMaxDepth || static_cast<long>(nodes.size()) >= kMaxNodes) return false;
  nodes.push_back(node);
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (node.IsMap() &&
        !(collect_nodes(it->first, depth + 1, nodes) && collect_nodes(it->second, depth + 1, nodes)))
      return false;
    if (node.IsSequence() && !collect_nodes(*it, depth + 1, nodes)) return false;
  }
  return true;
}

}  // namespace

void ConfigDocument::apply_override(std::string_view assignment) {
  const std::string text(assignment);
  const auto fail = [&](const std::string& path, const std::string& message, const std::string& note = {}) {
    throw ConfigErrors({Diagnostic{"override " + quote(text), 0, 0, path, message, note}});
  };
  const std::size_t equals = assignment.find('=');
  if (equals == std::string_view::npos)
    fail("", "expected KEY=VALUE", "for example train.stages[1].iterations=50 or model.flow[0].solver.rtol=1e-8");
  const std::string key_path(assignment.substr(0, equals));
  const auto parsed = parse_key_path(key_path);
  if (const auto* why = std::get_if<std::string>(&parsed)) fail(key_path, "bad key path: " + *why);
  const auto& steps = std::get<std::vector<KeyStep>>(parsed);

  ConfigOverride applied{text, {}};
  YAML::Node value;
  try {
    value = YAML::Load(std::string(assignment.substr(equals + 1)));
  } catch (const YAML::ParserException& error) {
    fail(key_path, "the value is not valid YAML: " + error.msg);
  }
  if (assignment.substr(equals + 1).find_first_not_of(" \t") == std::string_view::npos)
    fail(key_path, "no value after '='");
  if (!collect_nodes(value, 0, applied.nodes))
    fail(key_path, "the value nests deeper than " + std::to_string(kMaxDepth) + " levels or has more than " +
                       std::to_string(kMaxNodes) + " nodes");

  if (auto refusal = unreachable(impl_->root, steps, "")) fail(refusal->path, refusal->message);

  // Nothing below can fail: a refused override leaves the document as it was.
  if (!impl_->root.IsDefined() || impl_->root.IsNull()) impl_->root = YAML::Node(YAML::NodeType::Map);
  YAML::Node node = impl_->root;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const KeyStep& step = steps[i];
    YAML::Node next;
    if (step.key.empty()) {
      next = node[step.index];
    } else {
      if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);  // `key:` with no value
      next = node[step.key];
      if (i + 1 < steps.size() && (!next.IsDefined() || next.IsNull())) {
        next = YAML::Node(YAML::NodeType::Map);
        applied.nodes.push_back(next);
      }
    }
    if (i + 1 == steps.size()) next = value;
    node.reset(next);
  }
  impl_->overrides.push_back(std::move(applied));
}

std::vector<fs::path> ConfigDocument::plugin_paths() const {
  const YAML::Node& root = impl_->root;
  if (!root.IsMap() || !root["plugins"]) return {};
  const YAML::Node plugins = root["plugins"];
  if (!plugins.IsSequence())
    throw ConfigErrors({diagnostic_at(*impl_, plugins, "plugins", "expected a list of plugin folders or files",
                                      "write plugins: [path/to/folder, path/to/liouville_x.so]")});
  std::vector<fs::path> paths;
  std::vector<Diagnostic> errors;
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    const YAML::Node entry = plugins[i];
    if (!entry.IsScalar() || entry.Scalar().empty()) {
      errors.push_back(
          diagnostic_at(*impl_, entry, "plugins[" + std::to_string(i) + "]", "expected a folder or library path"));
      continue;
    }
    const fs::path path = entry.Scalar();
    paths.push_back(path.is_relative() && !impl_->override_of(entry)
                        ? fs::absolute(impl_->base_dir() / path).lexically_normal()
                        : path);
  }
  if (!errors.empty()) throw ConfigErrors(std::move(errors));
  return paths;
}

std::string ConfigDocument::file_name() const { return impl_->file_name; }

std::string ConfigDocument::to_yaml() const {
  YAML::Node root = impl_->root;
  if (root.IsMap() && root["plugins"]) {  // absolute, so the copy can be read from another folder
    root.reset(YAML::Clone(impl_->root));
    YAML::Node plugins(YAML::NodeType::Sequence);
    for (const fs::path& path : plugin_paths()) plugins.push_back(path.string());
    root["plugins"] = plugins;
  }
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace liouville
