#include "csv.hpp"

#include <charconv>

namespace liouville::host {

std::string format_number(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string samples_to_csv(ConstMatrixRef samples, const std::string& column_prefix) {
  std::string out;
  for (Index i = 0; i < samples.rows(); ++i) out += (i ? "," : "") + column_prefix + std::to_string(i);
  out += '\n';
  for (Index j = 0; j < samples.cols(); ++j) {
    for (Index i = 0; i < samples.rows(); ++i) out += (i ? "," : "") + format_number(samples(i, j));
    out += '\n';
  }
  return out;
}

std::string table_to_csv(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  auto append_row = [&](const std::vector<std::string>& cells) {
    for (std::size_t k = 0; k < cells.size(); ++k) out += (k ? "," : "") + cells[k];
    out += '\n';
  };
  append_row(header);
  for (const auto& row : rows) append_row(row);
  return out;
}

}  // namespace liouville::host
