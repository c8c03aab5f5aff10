// Diagnostics: configuration errors with their place in the file, reported all
// at once before anything is built.
//
//   configs/x.yaml:12:9: error: model.flow[0].solver.rtol: rtol = -1e-05 violates rtol > 0
//     note: rtol (real, default 1e-06, > 0): Relative tolerance.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "liouville/core/errors.hpp"

namespace liouville {

struct Diagnostic {
  std::string file;  // config file, or the command-line override it came from
  int line = 0;      // 1-based; 0 when the place is unknown
  int column = 0;    // 1-based
  std::string path;  // key path, "model.flow[0].solver.rtol"
  std::string message;
  std::string note;  // optional: valid keys, valid names, the fix

  // "file:line:col: error: path: message" and, if any, "\n  note: note".
  std::string format() const;
};

// Every diagnostic of one validation. what() lists them all and ends with
// "N errors; nothing was run."
class ConfigErrors : public ConfigError {
 public:
  explicit ConfigErrors(std::vector<Diagnostic> diagnostics);
  ~ConfigErrors() override;

  const std::vector<Diagnostic>& diagnostics() const { return *diagnostics_; }

 private:
  std::shared_ptr<const std::vector<Diagnostic>> diagnostics_;  // shared: copying an exception must not throw
};

}  // namespace liouville
