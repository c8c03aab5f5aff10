#include <charconv>

#include "liouville/core/errors.hpp"
#include "liouville/core/io/csv.hpp"

namespace liouville::io {
namespace {

void append_row(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t k = 0; k < cells.size(); ++k) {
    if (k) out += ',';
    out += cells[k];
  }
  out += '\n';
}

}  // namespace

std::string format_number(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string samples_to_csv(ConstMatrixRef samples, const std::vector<std::string>& column_names) {
  std::vector<std::string> header = column_names;
  if (header.empty())
    for (Index i = 0; i < samples.rows(); ++i) header.push_back(std::string("x").append(std::to_string(i)));
  if (header.size() != static_cast<std::size_t>(samples.rows()))
    throw DataError("CSV output: " + std::to_string(header.size()) + " column names for samples of dimension " +
                    std::to_string(samples.rows()));
  std::string out;
  append_row(out, header);
  char buffer[32];
  for (Index j = 0; j < samples.cols(); ++j) {
    for (Index i = 0; i < samples.rows(); ++i) {
      if (i) out += ',';
      out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, samples(i, j)).ptr);
    }
    out += '\n';
  }
  return out;
}

std::string table_to_csv(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  append_row(out, header);
  for (const auto& row : rows) append_row(out, row);
  return out;
}

}  // namespace liouville::io
