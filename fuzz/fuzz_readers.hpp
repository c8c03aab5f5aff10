// The readers the fuzzers drive, one call per kind of input file, shared with the
// regression suite (tests/fuzz/regressions/) so a crashing input found by a fuzzer
// is replayed through exactly the same code.
//
// Each returns the messages of the reader's clean refusals (DataError for data
// files and checkpoints, ConfigError for configs); an input that is read returns
// none. Any other exception escapes: for a fuzzer that is a finding.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace liouville::fuzz {

// parse_csv under every header mode, with and without non-finite values allowed.
std::vector<std::string> read_csv_input(std::string_view bytes);

// parse_npy.
std::vector<std::string> read_npy_input(std::string_view bytes);

// parse_checkpoint (the safetensors reader of the host).
std::vector<std::string> read_checkpoint_input(std::string_view bytes);

// ConfigDocument::from_string, then bind against the experiment schema and the
// in-tree plugins (the default plugin folder, loaded once), then the effective
// config as YAML. The `plugins:` entries are resolved but never loaded.
std::vector<std::string> read_config_input(std::string_view bytes);

}  // namespace liouville::fuzz
