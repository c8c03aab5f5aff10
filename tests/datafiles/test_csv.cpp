// CSV reading and writing: exact round trips, the accepted dialect (header,
// spaces, CRLF, comments) and an error naming file:line:column for each kind
// of malformed input.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "liouville/core/errors.hpp"
#include "liouville/core/io/csv.hpp"
#include "liouville/core/rng.hpp"

using namespace liouville;
using namespace liouville::io;

namespace {

const std::filesystem::path kData = LIOUVILLE_SOURCE_DIR "/tests/datafiles/data";

}  // namespace

TEST_CASE("csv: every double survives a write and a read bit for bit") {
  Matrix x(3, 50);
  Rng(4).fill_normal(x);
  x.row(1) *= 1e-7;
  x.row(2) *= 1e250;
  x(0, 0) = std::numeric_limits<double>::denorm_min();
  x(1, 0) = std::numeric_limits<double>::max();
  x(2, 0) = -0.0;
  x(0, 1) = 1.0 / 3.0;
  const CsvTable table = parse_csv(samples_to_csv(x), "round_trip.csv");
  CHECK(table.column_names == std::vector<std::string>{"x0", "x1", "x2"});
  REQUIRE(table.samples.rows() == 3);
  REQUIRE(table.samples.cols() == 50);
  CHECK(table.samples == x);
  CHECK(std::signbit(table.samples(2, 0)));
}

TEST_CASE("csv: non-finite values are refused unless allowed") {
  Matrix x(1, 3);
  x << std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
      std::numeric_limits<double>::quiet_NaN();
  const std::string text = samples_to_csv(x);
  CHECK_THROWS_WITH_AS(parse_csv(text, "f.csv"), "f.csv:2:1: expected a finite number, found 'inf'", DataError);
  CsvReadOptions options;
  options.allow_non_finite = true;
  const Matrix read = parse_csv(text, "f.csv", options).samples;
  CHECK(read(0, 0) == std::numeric_limits<double>::infinity());
  CHECK(read(0, 1) == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(read(0, 2)));
}

TEST_CASE("csv: the header row is detected, or forced by a flag") {
  const CsvTable named = parse_csv("a, b\n1,2\n", "f.csv");
  CHECK(named.column_names == std::vector<std::string>{"a", "b"});
  CHECK(named.samples.cols() == 1);
  const CsvTable bare = parse_csv("1,2\n3,4\n", "f.csv");
  CHECK(bare.column_names.empty());
  CHECK(bare.samples == (Matrix(2, 2) << 1, 3, 2, 4).finished());

  CsvReadOptions present;
  present.header = CsvHeader::kPresent;
  const CsvTable numeric_names = parse_csv("1,2\n3,4\n", "f.csv", present);
  CHECK(numeric_names.column_names == std::vector<std::string>{"1", "2"});
  CHECK(numeric_names.samples == (Matrix(2, 1) << 3, 4).finished());

  CsvReadOptions absent;
  absent.header = CsvHeader::kAbsent;
  CHECK_THROWS_WITH_AS(parse_csv("a,b\n1,2\n", "f.csv", absent), "f.csv:1:1: expected a number, found 'a'",
                       DataError);
}

TEST_CASE("csv: spaces, tabs, CRLF, blank lines, comments, a byte order mark and a plus sign") {
  const std::string text =
      "\xEF\xBB\xBF# written by numpy.savetxt\r\n x0 ,\tx1\r\n\r\n +1.5 , -2e3 \r\n  \n.25,7\n";
  const CsvTable table = parse_csv(text, "f.csv");
  CHECK(table.column_names == std::vector<std::string>{"x0", "x1"});
  CHECK(table.samples == (Matrix(2, 2) << 1.5, 0.25, -2000, 7).finished());
}

TEST_CASE("csv: malformed input names file:line:column and what was expected") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"x,y\n1,2\n3\n", "f.csv:3:2: expected 2 columns (as on line 1), found 1"},
      {"1,2\n3,4,5\n", "f.csv:2:5: expected 2 columns (as on line 1), found 3"},
      {"# comment\n1,2\n\n3,4,5\n", "f.csv:4:5: expected 2 columns (as on line 2), found 3"},
      {"1,2\n3,abc\n", "f.csv:2:3: expected a number, found 'abc'"},
      {"1,2\n3,4x\n", "f.csv:2:3: expected a number, found '4x'"},
      {"1, 2\n 3,  4 5\n", "f.csv:2:6: expected a number, found '4 5'"},
      {"1,2\n3,\n", "f.csv:2:3: expected a number, found an empty cell"},
      {"1,2\n1,nan\n", "f.csv:2:3: expected a finite number, found 'nan'"},
      {"1,1e400\n", "f.csv:1:3: the number '1e400' is out of the range of a double"},
      {"1,2\n3,\x01\xff\n", "f.csv:2:3: expected a number, found '\\x01\\xFF'"},
      {"", "f.csv:1:1: expected rows of numbers, found an empty file"},
      {"\n  \n# only a comment\n", "f.csv:1:1: expected rows of numbers, found an empty file"},
      {"x,y\n\n", "f.csv:1:1: expected rows of numbers after the header, found none"},
  };
  for (const auto& [input, message] : cases) {
    const std::string& text = input;  // CAPTURE cannot capture a structured binding in clang 14
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(parse_csv(text, "f.csv"), message.c_str(), DataError);
  }
}

TEST_CASE("csv: files") {
  const CsvTable train = read_csv(kData / "train.csv");
  CHECK(train.column_names == std::vector<std::string>{"x0", "x1"});
  REQUIRE(train.samples.rows() == 2);
  CHECK(train.samples.cols() == 24);
  CHECK(train.samples(0, 0) == 1.4329361989509648);   // line 2 of the file
  CHECK(train.samples(1, 1) == -2.2943385829730008);  // line 3

  const std::filesystem::path missing = kData / "missing.csv";
  CHECK_THROWS_WITH_AS(read_csv(missing),
                       ("cannot open '" + missing.string() + "': No such file or directory").c_str(), DataError);
  CHECK_THROWS_WITH_AS(read_csv(kData), doctest::Contains("it is a folder, not a file"), DataError);
}

TEST_CASE("csv: writing tables and numbers") {
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(-2.5e-300) == "-2.5e-300");
  CHECK(format_number(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(table_to_csv({"stage", "loss"}, {{"1", "0.5"}, {"2", "0.25"}}) == "stage,loss\n1,0.5\n2,0.25\n");
  const Matrix column = (Matrix(2, 1) << 1, 2).finished();
  CHECK(samples_to_csv(column, {"z", "log_density"}) == "z,log_density\n1,2\n");
  CHECK_THROWS_WITH_AS(samples_to_csv(column, {"z"}), "CSV output: 1 column names for samples of dimension 2",
                       DataError);
}
