#include "liouville/registry/diagnostics.hpp"

namespace liouville {

std::string Diagnostic::format() const {
  std::string text = file.empty() ? std::string("<config>") : file;
  if (line > 0) {
    text += ':';
    text += std::to_string(line);
    text += ':';
    text += std::to_string(column);
  }
  text += ": error: ";
  if (!path.empty()) text += path + ": ";
  text += message;
  if (!note.empty()) text += "\n  note: " + note;
  return text;
}

namespace {

std::string summary(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& diagnostic : diagnostics) text += diagnostic.format() + "\n";
  const std::size_t count = diagnostics.size();
  text += std::to_string(count) + (count == 1 ? " error" : " errors") + "; nothing was run.";
  return text;
}

}  // namespace

ConfigErrors::ConfigErrors(std::vector<Diagnostic> diagnostics)
    : ConfigError(summary(diagnostics)),
      diagnostics_(std::make_shared<const std::vector<Diagnostic>>(std::move(diagnostics))) {}

ConfigErrors::~ConfigErrors() = default;

}  // namespace liouville
