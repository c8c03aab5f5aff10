#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <sstream>

#include "io_support.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/io/csv.hpp"

namespace liouville::io {
namespace {

struct Cell {
  std::string_view text;  // without the spaces around it
  std::size_t column;     // 1-based byte position in its line
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

void split_cells(std::string_view line, std::vector<Cell>& cells) {
  cells.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::string_view raw = line.substr(start, comma == std::string_view::npos ? comma : comma - start);
    std::size_t lead = 0;
    while (lead < raw.size() && is_blank(raw[lead])) ++lead;
    cells.push_back({trim(raw), start + lead + 1});
    if (comma == std::string_view::npos) return;
    start = comma + 1;
  }
}

enum class NumberStatus { kOk, kNotANumber, kOutOfRange };

// std::from_chars with an optional leading '+' (which it does not accept itself).
NumberStatus parse_number(std::string_view text, double& value) {
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec == std::errc::result_out_of_range) return NumberStatus::kOutOfRange;
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return NumberStatus::kNotANumber;
  return NumberStatus::kOk;
}

class CsvParser {
 public:
  CsvParser(std::string_view text, const std::string& source, const CsvReadOptions& options)
      : text_(text), source_(source), options_(options) {}

  CsvTable parse() {
    constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
    if (text_.starts_with(kByteOrderMark)) text_.remove_prefix(kByteOrderMark.size());
    CsvTable table;
    std::vector<double> values;
    std::vector<Cell> cells;
    std::size_t line_number = 0, first_line = 0, width = 0, rows = 0;
    for (std::size_t start = 0; start < text_.size();) {
      const std::size_t end = std::min(text_.find('\n', start), text_.size());
      std::string_view line = text_.substr(start, end - start);
      start = end + 1;
      ++line_number;
      if (line.ends_with('\r')) line.remove_suffix(1);
      const std::string_view content = trim(line);
      if (content.empty() || content.front() == '#') continue;
      split_cells(line, cells);
      if (first_line == 0) {
        first_line = line_number;
        width = cells.size();
        if (is_header(cells)) {
          for (const Cell& cell : cells) table.column_names.emplace_back(cell.text);
          continue;
        }
      }
      if (cells.size() != width) {
        const std::size_t column = cells.size() > width ? cells[width].column : line.size() + 1;
        fail(line_number, column,
             "expected " + std::to_string(width) + " columns (as on line " + std::to_string(first_line) +
                 "), found " + std::to_string(cells.size()));
      }
      for (const Cell& cell : cells) values.push_back(read_cell(cell, line_number));
      ++rows;
    }
    if (rows == 0) {
      if (first_line == 0) fail(1, 1, "expected rows of numbers, found an empty file");
      fail(first_line, 1, "expected rows of numbers after the header, found none");
    }
    table.samples = Eigen::Map<const Matrix>(values.data(), static_cast<Index>(width), static_cast<Index>(rows));
    return table;
  }

 private:
  bool is_header(const std::vector<Cell>& cells) const {
    if (options_.header != CsvHeader::kAuto) return options_.header == CsvHeader::kPresent;
    double ignored;
    for (const Cell& cell : cells)
      if (parse_number(cell.text, ignored) != NumberStatus::kNotANumber) return false;
    return true;
  }

  double read_cell(const Cell& cell, std::size_t line_number) const {
    if (cell.text.empty()) fail(line_number, cell.column, "expected a number, found an empty cell");
    double value = 0;
    switch (parse_number(cell.text, value)) {
      case NumberStatus::kNotANumber:
        fail(line_number, cell.column, "expected a number, found " + excerpt(cell.text));
      case NumberStatus::kOutOfRange:
        fail(line_number, cell.column, "the number " + excerpt(cell.text) + " is out of the range of a double");
      case NumberStatus::kOk:
        break;
    }
    if (!std::isfinite(value) && !options_.allow_non_finite)
      fail(line_number, cell.column, "expected a finite number, found " + excerpt(cell.text));
    return value;
  }

  [[noreturn]] void fail(std::size_t line, std::size_t column, const std::string& message) const {
    throw DataError(source_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message);
  }

  std::string_view text_;
  const std::string& source_;
  const CsvReadOptions& options_;
};

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& source, const CsvReadOptions& options) {
  return CsvParser(text, source, options).parse();
}

CsvTable read_csv(const std::filesystem::path& path, const CsvReadOptions& options) {
  std::ifstream in = open_for_reading(path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw DataError("cannot read '" + path.string() + "': " + std::strerror(errno));
  return parse_csv(text.str(), path.string(), options);
}

}  // namespace liouville::io
