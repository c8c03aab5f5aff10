// CSV output of matrices and tables (one row per sample).
#pragma once

#include <string>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville::host {

// Columns of `samples` (dim x n) as rows "x0,x1,..." under a header.
std::string samples_to_csv(ConstMatrixRef samples, const std::string& column_prefix = "x");

// A header line and rows of already-formatted cells.
std::string table_to_csv(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows);

// Shortest round-trip decimal form of a double.
std::string format_number(double value);

}  // namespace liouville::host
