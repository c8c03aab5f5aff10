#include "npy_header.hpp"

#include <array>
#include <limits>

#include "io_support.hpp"
#include "liouville/core/errors.hpp"

namespace liouville::io {
namespace {

struct SupportedDtype {
  std::string_view descr;
  NpyDtype dtype;
};

constexpr std::array<SupportedDtype, 8> kSupportedDtypes = {{
    {"<f8", {'f', 8, false}},
    {">f8", {'f', 8, true}},
    {"<f4", {'f', 4, false}},
    {">f4", {'f', 4, true}},
    {"<i8", {'i', 8, false}},
    {">i8", {'i', 8, true}},
    {"<i4", {'i', 4, false}},
    {">i4", {'i', 4, true}},
}};

class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  NpyHeader parse() {
    NpyHeader header;
    bool seen_descr = false, seen_fortran_order = false, seen_shape = false;
    skip_space();
    if (!consume('{')) fail("header", "expected a dict starting with '{', found " + found());
    while (true) {
      skip_space();
      if (consume('}')) break;
      const std::string key = read_string("header");
      skip_space();
      if (!consume(':')) fail("header", "expected ':' after the key '" + key + "', found " + found());
      skip_space();
      if (key == "descr") {
        mark_seen(seen_descr, key);
        header.descr = read_string("descr");
        header.dtype = dtype_of(header.descr);
      } else if (key == "fortran_order") {
        mark_seen(seen_fortran_order, key);
        header.fortran_order = read_bool("fortran_order");
      } else if (key == "shape") {
        mark_seen(seen_shape, key);
        header.shape = read_shape();
      } else {
        fail("header",
             "unexpected key " + excerpt(key) + " (an NPY header has 'descr', 'fortran_order' and 'shape')");
      }
      skip_space();
      if (consume(',')) continue;
      if (consume('}')) break;
      fail("header", "expected ',' or '}' after the value of '" + key + "', found " + found());
    }
    skip_space();
    if (position_ != text_.size()) fail("header", "expected the end of the header after '}', found " + found());
    if (!seen_descr) fail("descr", "missing from the header");
    if (!seen_fortran_order) fail("fortran_order", "missing from the header");
    if (!seen_shape) fail("shape", "missing from the header");
    check_shape(header.shape);
    return header;
  }

 private:
  void skip_space() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\n' ||
                                        text_[position_] == '\t' || text_[position_] == '\r'))
      ++position_;
  }

  bool consume(char c) {
    if (position_ >= text_.size() || text_[position_] != c) return false;
    ++position_;
    return true;
  }

  std::string found() const {
    return position_ >= text_.size() ? "the end of the header" : excerpt(text_.substr(position_, 20));
  }

  void mark_seen(bool& seen, const std::string& key) {
    if (seen) fail(key, "appears twice in the header");
    seen = true;
  }

  // A Python string literal in single or double quotes (numpy writes no escapes).
  std::string read_string(const std::string& field) {
    const char quote = position_ < text_.size() ? text_[position_] : '\0';
    if (quote != '\'' && quote != '"') fail(field, "expected a quoted string, found " + found());
    const std::size_t end = text_.find(quote, position_ + 1);
    if (end == std::string_view::npos) fail(field, "the string starting at " + found() + " is not closed");
    const std::string value(text_.substr(position_ + 1, end - position_ - 1));
    position_ = end + 1;
    return value;
  }

  bool read_bool(const std::string& field) {
    const std::string_view rest = text_.substr(position_);
    if (rest.starts_with("True") || rest.starts_with("False")) {
      const bool value = rest.front() == 'T';
      position_ += value ? 4 : 5;
      return value;
    }
    fail(field, "expected True or False, found " + found());
  }

  // A tuple of non-negative integers; Python 2 numpy wrote them with an L suffix.
  std::vector<std::uint64_t> read_shape() {
    if (!consume('(')) fail("shape", "expected a tuple such as (100, 2), found " + found());
    std::vector<std::uint64_t> shape;
    while (true) {
      skip_space();
      if (consume(')')) return shape;
      shape.push_back(read_dimension());
      skip_space();
      if (consume(',')) continue;
      if (consume(')')) return shape;
      fail("shape", "expected ',' or ')' in the tuple, found " + found());
    }
  }

  std::uint64_t read_dimension() {
    if (position_ >= text_.size() || text_[position_] < '0' || text_[position_] > '9')
      fail("shape", "expected a non-negative integer, found " + found());
    std::uint64_t value = 0;
    const std::size_t start = position_;
    while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
      const auto digit = static_cast<std::uint64_t>(text_[position_] - '0');
      if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
        const std::size_t end = text_.find_first_not_of("0123456789", start);
        fail("shape", "the dimension " + excerpt(text_.substr(start, end - start)) + " is too large");
      }
      value = 10 * value + digit;
      ++position_;
    }
    consume('L');
    return value;
  }

  NpyDtype dtype_of(const std::string& descr) const {
    std::string supported;
    for (const SupportedDtype& entry : kSupportedDtypes) {
      if (entry.descr == descr) return entry.dtype;
      supported += (supported.empty() ? "" : ", ") + std::string(entry.descr);
    }
    fail("descr", "unsupported dtype " + excerpt(descr) + " (supported: " + supported + ")");
  }

  void check_shape(const std::vector<std::uint64_t>& shape) const {
    if (shape.size() != 1 && shape.size() != 2)
      fail("shape", "expected (n,) or (n, d), found " + shape_text(shape));
    if (shape[0] == 0) fail("shape", shape_text(shape) + " holds no samples");
    if (shape.size() == 2 && shape[1] == 0) fail("shape", shape_text(shape) + " has samples of dimension 0");
  }

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw DataError(source_ + ": " + field + ": " + message);
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t position_ = 0;
};

}  // namespace

NpyHeader parse_npy_header(std::string_view text, const std::string& source) {
  return HeaderParser(text, source).parse();
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string text = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) text += (k ? ", " : "") + std::to_string(shape[k]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace liouville::io
