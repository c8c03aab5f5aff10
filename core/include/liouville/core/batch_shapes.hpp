// The shape check every bijection makes of a batch call.
#pragma once

#include <string>

#include "liouville/core/types.hpp"

namespace liouville {

// Throws DataError unless `in` and `out` are dim x n and `logdet` has n entries;
// the message names `who` (e.g. "model.flow[0]: conv1x1") and `method`.
void check_batch_shapes(const std::string& who, const char* method, Index dim, ConstMatrixRef in,
                        ConstMatrixRef out, ConstVectorRef logdet);

}  // namespace liouville
