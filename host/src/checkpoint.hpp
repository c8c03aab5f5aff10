// Checkpoints in the safetensors format (readable by Python's safetensors and
// numpy loaders):
//   8 bytes   little-endian u64 N, the size of the JSON header
//   N bytes   JSON: {"__metadata__": {string: string},
//                    "<slice name>": {"dtype": "F64", "shape": [rows, cols],
//                                     "data_offsets": [begin, end]}, ...}
//   the data  each slice's values, little-endian f64, row-major (C order, as
//             safetensors and numpy read them), packed in header order with no gaps.
// Metadata keys: "format" = "liouville-checkpoint/2" (format 1, column-major,
// is still read), "config" = the experiment
// config as YAML (after --set overrides), "stage" and "iteration" where training
// stopped. Tensors named "fixed.*" are not parameters but fitted constants of
// the model (the data standardization's mean and scale); "state.*" tensors and
// "resume.*" metadata hold the training state (resume.hpp). Reading follows safetensors' safety rules: the header
// size is capped before anything is allocated, offsets must tile the data exactly, and every slice must match the
// model's names and shapes.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "liouville/core/parameters.hpp"

namespace liouville::host {

inline constexpr const char* kCheckpointFormat = "liouville-checkpoint/2";
inline constexpr std::string_view kFixedTensorPrefix = "fixed.";
// Training state to resume from (optimizer moments, batch order): see resume.hpp.
inline constexpr std::string_view kStateTensorPrefix = "state.";

struct Checkpoint {
  std::map<std::string, std::string> metadata;
  std::map<std::string, Matrix> tensors;
};

// `extra` holds the non-parameter tensors; their names must start with "fixed." or "state.".
void save_checkpoint(const std::filesystem::path& path, const ParameterStore& parameters,
                     const std::map<std::string, std::string>& metadata,
                     const std::map<std::string, Matrix>& extra = {});

// Throws DataError naming the file and what is wrong.
Checkpoint read_checkpoint(const std::filesystem::path& path);
// The bytes of a checkpoint file; `source` names them in messages.
Checkpoint parse_checkpoint(std::string_view bytes, const std::string& source);

// Copies the tensors into the store; every slice must be present with its shape
// and no unknown tensor other than "fixed.*" and "state.*" may remain (DataError listing every
// mismatch).
void restore_parameters(const Checkpoint& checkpoint, const std::filesystem::path& path,
                        ParameterStore& parameters);

}  // namespace liouville::host
