#include "liouville/core/batch_shapes.hpp"

#include <string>

#include "liouville/core/errors.hpp"

namespace liouville {

void check_batch_shapes(const std::string& who, const char* method, Index dim, ConstMatrixRef in,
                        ConstMatrixRef out, ConstVectorRef logdet) {
  if (in.rows() != dim || out.rows() != dim || out.cols() != in.cols() || logdet.size() != in.cols())
    throw DataError(who + " " + method + " of a " + std::to_string(in.rows()) + " x " + std::to_string(in.cols()) +
                    " batch into " + std::to_string(out.rows()) + " x " + std::to_string(out.cols()) + " with " +
                    std::to_string(logdet.size()) + " log-determinants; the dimension is " + std::to_string(dim));
}

}  // namespace liouville
