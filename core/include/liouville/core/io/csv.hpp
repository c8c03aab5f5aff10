// CSV files of samples: one row per sample, comma-separated numbers, optionally
// under a header row of column names. In memory a batch is dim x n (one column
// per sample), so row j of the file is column j of the matrix.
//
//   const liouville::io::CsvTable table = liouville::io::read_csv("data/train.csv");
//   std::string text = liouville::io::samples_to_csv(table.samples);  // header x0,x1,...
//
// Malformed input throws DataError naming file:line:column and what was expected.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville::io {

enum class CsvHeader {
  kAuto,     // line 1 is a header when none of its cells is a number
  kPresent,  // line 1 is a header
  kAbsent,   // every line is data
};

struct CsvReadOptions {
  CsvHeader header = CsvHeader::kAuto;
  bool allow_non_finite = false;  // accept nan, inf and -inf
};

struct CsvTable {
  std::vector<std::string> column_names;  // empty without a header row
  Matrix samples;                         // dim x n: one column per data row
};

// Cells may carry spaces or tabs around them; blank lines and lines starting
// with '#' (numpy.savetxt's header) are skipped; CRLF line ends are accepted.
// `source` names the text in messages (a file name).
CsvTable parse_csv(std::string_view text, const std::string& source, const CsvReadOptions& options = {});
CsvTable read_csv(const std::filesystem::path& path, const CsvReadOptions& options = {});

// The shortest decimal form that reads back as the same double ("inf", "nan" for
// non-finite values).
std::string format_number(double value);

// Columns of `samples` (dim x n) as rows under a header of one name per row of
// `samples`; without names the header is x0,x1,... A name count that does not
// match throws DataError.
std::string samples_to_csv(ConstMatrixRef samples, const std::vector<std::string>& column_names = {});

// A header line and rows of already formatted cells.
std::string table_to_csv(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows);

}  // namespace liouville::io
