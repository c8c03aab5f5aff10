// NPY reading and writing: the writer's bytes against the format spec, reading
// every supported dtype, byte order, memory order and format version, and an
// error naming the header field for each kind of malformed file.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "liouville/core/errors.hpp"
#include "liouville/core/io/csv.hpp"
#include "liouville/core/io/npy.hpp"
#include "liouville/core/rng.hpp"

using namespace liouville;
using namespace liouville::io;

namespace {

const std::filesystem::path kData = LIOUVILLE_SOURCE_DIR "/tests/datafiles/data";

// An NPY file laid out as the spec says: magic, version, little-endian header
// length (2 bytes in 1.0, 4 in 2.0 and 3.0), the header, the data.
std::string npy_file(const std::string& header, int major = 1, const std::string& data = "") {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  for (int k = 0; k < (major == 1 ? 2 : 4); ++k) out += static_cast<char>((header.size() >> (8 * k)) & 0xFF);
  return out + header + data;
}

std::string header(const std::string& descr, bool fortran_order, const std::string& shape) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran_order ? "True" : "False") +
         ", 'shape': " + shape + ", }\n";
}

// `values` as elements of kind 'f' or 'i' and `size` bytes in the given byte order.
std::string elements(const std::vector<double>& values, char kind, int size, bool big_endian) {
  std::string out;
  for (const double value : values) {
    std::uint64_t bits = 0;
    if (kind == 'i') {
      bits = static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
    } else if (size == 8) {
      std::memcpy(&bits, &value, 8);
    } else {
      const auto narrow = static_cast<float>(value);
      std::uint32_t narrow_bits;
      std::memcpy(&narrow_bits, &narrow, 4);
      bits = narrow_bits;
    }
    for (int k = 0; k < size; ++k)
      out += static_cast<char>((bits >> (8 * (big_endian ? size - 1 - k : k))) & 0xFF);
  }
  return out;
}

// Three samples of dimension 2, exact in every dtype below, in C and Fortran order.
const Matrix kExpected = (Matrix(2, 3) << 1, 3, -5, -2, 4, 6).finished();
const std::vector<double> kCOrder = {1, -2, 3, 4, -5, 6};
const std::vector<double> kFortranOrder = {1, 3, -5, -2, 4, 6};

}  // namespace

TEST_CASE("npy: the writer's bytes follow the format spec") {
  const Matrix x = (Matrix(2, 3) << 0.5, -1.25, 3e-300, 7, 1.0 / 3.0, -0.0).finished();
  const std::string bytes = samples_to_npy(x);
  REQUIRE(bytes.size() > 10);
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header_length =
      static_cast<unsigned char>(bytes[8]) | static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8;
  CHECK((10 + header_length) % 64 == 0);  // numpy aligns the data to 64 bytes
  const std::string text = bytes.substr(10, header_length);
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }";
  CHECK(text.starts_with(dict));
  CHECK(text.back() == '\n');
  CHECK(text.find_first_not_of(' ', dict.size()) == text.size() - 1);
  REQUIRE(bytes.size() == 10 + header_length + 6 * 8);
  for (std::size_t k = 0; k < 6; ++k) {  // little-endian doubles, sample after sample
    std::uint64_t bits = 0;
    for (std::size_t b = 0; b < 8; ++b)
      bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[10 + header_length + 8 * k + b]))
              << (8 * b);
    double value;
    std::memcpy(&value, &bits, 8);
    CHECK(value == x(static_cast<Index>(k % 2), static_cast<Index>(k / 2)));
  }
}

TEST_CASE("npy: write then read gives the same doubles") {
  Matrix x(3, 40);
  Rng(12).fill_normal(x);
  CHECK(parse_npy(samples_to_npy(x), "x.npy") == x);
  const Matrix line = (Matrix(1, 4) << 1e-310, -2, 3.5, 1e308).finished();
  CHECK(parse_npy(samples_to_npy(line), "line.npy") == line);
}

TEST_CASE("npy: every supported dtype, byte order, memory order and version") {
  struct Case {
    std::string descr;
    bool fortran_order;
    int major;
  };
  for (const Case& c : std::vector<Case>{{"<f8", false, 1},
                                         {">f8", false, 1},
                                         {"<f8", true, 2},
                                         {">f8", true, 3},
                                         {"<f4", false, 1},
                                         {">f4", true, 2},
                                         {"<i8", false, 1},
                                         {">i8", false, 3},
                                         {"<i4", true, 1},
                                         {">i4", false, 2}}) {
    CAPTURE(c.descr);
    CAPTURE(c.fortran_order);
    CAPTURE(c.major);
    const int size = c.descr[2] - '0';
    const std::string data =
        elements(c.fortran_order ? kFortranOrder : kCOrder, c.descr[1], size, c.descr[0] == '>');
    CHECK(parse_npy(npy_file(header(c.descr, c.fortran_order, "(3, 2)"), c.major, data), "x.npy") == kExpected);
  }
}

TEST_CASE("npy: 1-D arrays, Python 2 shapes and other header spellings") {
  const std::string column = elements({1.5, -2, 3}, 'f', 8, false);
  CHECK(parse_npy(npy_file(header("<f8", false, "(3,)"), 1, column), "x.npy") ==
        (Matrix(1, 3) << 1.5, -2, 3).finished());
  CHECK(parse_npy(npy_file(header("<f8", true, "(3,)"), 1, column), "x.npy").cols() == 3);
  CHECK(parse_npy(npy_file(header("<f8", false, "(3L, 2L)"), 1, elements(kCOrder, 'f', 8, false)), "x.npy") ==
        kExpected);
  const std::string reordered = "{\"shape\": (3, 2),\"descr\" : \"<f8\",  'fortran_order':False}";
  CHECK(parse_npy(npy_file(reordered, 1, elements(kCOrder, 'f', 8, false)), "x.npy") == kExpected);
}

TEST_CASE("npy: the hand-made fixture files hold the values of their CSV twins") {
  // train.npy is >f8 in Fortran order (format 1.0), test.npy <f8 in C order (format 2.0).
  CHECK(read_npy(kData / "train.npy") == read_csv(kData / "train.csv").samples);
  CHECK(read_npy(kData / "test.npy") == read_csv(kData / "test.csv").samples);
}

TEST_CASE("npy: a malformed file names the header field at fault") {
  const std::string data = elements(kCOrder, 'f', 8, false);
  const std::string valid = npy_file(header("<f8", false, "(3, 2)"), 1, data);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "m.npy: magic: expected the bytes \\x93NUMPY, found an empty file"},
      {"PK\x03\x04", "m.npy: magic: expected the bytes \\x93NUMPY, found 'PK\\x03\\x04'"},
      {"\x93NUMPY", "m.npy: version: the file ends after the magic string"},
      {npy_file(header("<f8", false, "(3, 2)"), 4, data), "m.npy: version: expected 1.0, 2.0 or 3.0, found 4.0"},
      {valid.substr(0, 9), "m.npy: header_len: the file ends inside it, after 9 bytes"},
      {std::string("\x93NUMPY\x02\x00\x00\x10\x00", 11),
       "m.npy: header_len: the file ends inside it, after 11 bytes"},
      {std::string("\x93NUMPY\x01\x00\xe8\x03", 10) + "{}",
       "m.npy: header_len: 1000 bytes of header, but only 2 bytes follow it"},
      {npy_file("['descr']", 1), "m.npy: header: expected a dict starting with '{', found '['descr']'"},
      {npy_file("{'descr' '<f8'}", 1), "m.npy: header: expected ':' after the key 'descr', found ''<f8'}'"},
      {npy_file("{'descr': '<f8'", 1),
       "m.npy: header: expected ',' or '}' after the value of 'descr', found the "
       "end of the header"},
      {npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'extra': 1}", 1),
       "m.npy: header: unexpected key 'extra' (an NPY header has 'descr', 'fortran_order' and 'shape')"},
      {npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2)} x", 1),
       "m.npy: header: expected the end of the header after '}', found 'x'"},
      {npy_file(header("<c16", false, "(3, 2)"), 1, data),
       "m.npy: descr: unsupported dtype '<c16' (supported: <f8, >f8, <f4, >f4, <i8, >i8, <i4, >i4)"},
      {npy_file("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,)}", 1),
       "m.npy: descr: expected a quoted string, found '[('a', '<f8')], 'for'"},
      {npy_file("{'descr': '<f8, 'fortran_order': False, 'shape': (3,)}", 1),
       "m.npy: descr: unsupported dtype '<f8, ' (supported: <f8, >f8, <f4, >f4, <i8, >i8, <i4, >i4)"},
      {npy_file("{'descr': '<f8', 'descr': '<f8'}", 1), "m.npy: descr: appears twice in the header"},
      {npy_file("{'descr': '<f8', 'fortran_order': 0, 'shape': (3, 2)}", 1),
       "m.npy: fortran_order: expected True or False, found '0, 'shape': (3, 2)}'"},
      {npy_file("{'descr': '<f8', 'shape': (3, 2)}", 1), "m.npy: fortran_order: missing from the header"},
      {npy_file("{'descr': '<f8', 'fortran_order': False}", 1), "m.npy: shape: missing from the header"},
      {npy_file("{'fortran_order': False, 'shape': (3, 2)}", 1), "m.npy: descr: missing from the header"},
      {npy_file(header("<f8", false, "[3, 2]"), 1, data),
       "m.npy: shape: expected a tuple such as (100, 2), found '[3, 2], }\\x0A'"},
      {npy_file(header("<f8", false, "(-3, 2)"), 1, data),
       "m.npy: shape: expected a non-negative integer, found '-3, 2), }\\x0A'"},
      {npy_file(header("<f8", false, "(3; 2)"), 1, data),
       "m.npy: shape: expected ',' or ')' in the tuple, found '; 2), }\\x0A'"},
      {npy_file(header("<f8", false, "(1, 3, 2)"), 1, data),
       "m.npy: shape: expected (n,) or (n, d), found (1, 3, 2)"},
      {npy_file(header("<f8", false, "()"), 1, data), "m.npy: shape: expected (n,) or (n, d), found ()"},
      {npy_file(header("<f8", false, "(0, 2)"), 1), "m.npy: shape: (0, 2) holds no samples"},
      {npy_file(header("<f8", false, "(3, 0)"), 1), "m.npy: shape: (3, 0) has samples of dimension 0"},
      {npy_file(header("<f8", false, "(184467440737095516160, 2)"), 1, data),
       "m.npy: shape: the dimension '184467440737095516160' is too large"},
      {npy_file(header("<f8", false, "(18446744073709551615, 2)"), 1, data),
       "m.npy: shape: (18446744073709551615, 2) of <f8 is too large: its size in bytes overflows"},
      {npy_file(header("<f8", false, "(3, 2)"), 1, data.substr(0, 45)),
       "m.npy: shape: (3, 2) of <f8 needs 48 bytes of data, but the file has 45 bytes after its header (a "
       "truncated "
       "file?)"},
      {npy_file(header("<f8", false, "(3, 2)"), 1, data + "extra"),
       "m.npy: shape: (3, 2) of <f8 needs 48 bytes of data, but the file has 53 bytes after its header"},
  };
  for (const auto& [bytes, expected] : cases) {
    const std::string& message = expected;  // CAPTURE cannot capture a structured binding in clang 14
    CAPTURE(message);
    CHECK_THROWS_WITH_AS(parse_npy(bytes, "m.npy"), message.c_str(), DataError);
  }
}

TEST_CASE("npy: a header claiming an enormous array is refused before anything is allocated") {
  // 10^12 samples of dimension 10^6 would need 8 EB; an allocation attempt would throw std::bad_alloc.
  const std::string bytes = npy_file(header("<f8", false, "(1000000000000, 1000000)"), 1, std::string(48, '\0'));
  CHECK_THROWS_WITH_AS(parse_npy(bytes, "huge.npy"),
                       "huge.npy: shape: (1000000000000, 1000000) of <f8 needs 8000000000000000000 bytes of data, "
                       "but the file has 48 bytes after its header (a truncated file?)",
                       DataError);
  // The same from a file: its size is checked before the data is read.
  const auto path = std::filesystem::temp_directory_path() / "liouville_huge_shape.npy";
  std::ofstream(path, std::ios::binary) << bytes;
  CHECK_THROWS_WITH_AS(read_npy(path), doctest::Contains("needs 8000000000000000000 bytes of data"), DataError);
  std::filesystem::remove(path);
}

TEST_CASE("npy: files that are missing or truncated") {
  const auto path = std::filesystem::temp_directory_path() / "liouville_truncated.npy";
  const std::string full = samples_to_npy(kExpected);
  std::ofstream(path, std::ios::binary) << full.substr(0, full.size() - 1);
  CHECK_THROWS_WITH_AS(read_npy(path), doctest::Contains("needs 48 bytes of data, but the file has 47"),
                       DataError);
  std::filesystem::remove(path);
  CHECK_THROWS_WITH_AS(read_npy(path), doctest::Contains("No such file or directory"), DataError);
}
