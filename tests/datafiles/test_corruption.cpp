// Random corruption of valid CSV and NPY files: every mutated file is either
// read or refused with a DataError naming it; nothing crashes, hangs or throws
// anything else. (Run it under the sanitizers for the memory-safety half.)
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "liouville/core/errors.hpp"
#include "liouville/core/io/csv.hpp"
#include "liouville/core/io/npy.hpp"
#include "liouville/core/rng.hpp"

using namespace liouville;
using namespace liouville::io;

namespace {

constexpr int kMutations = 2000;

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Index below(Rng& rng, std::size_t bound) { return static_cast<Index>(rng.uniform() * static_cast<double>(bound)); }

// One to four random edits: overwrite a byte, insert one, delete one, or cut the file short.
std::string mutate(std::string bytes, Rng& rng) {
  const int edits = 1 + static_cast<int>(below(rng, 4));
  for (int e = 0; e < edits && !bytes.empty(); ++e) {
    const auto at = static_cast<std::size_t>(below(rng, bytes.size()));
    const auto byte = static_cast<char>(below(rng, 256));
    switch (below(rng, 4)) {
      case 0:
        bytes[at] = byte;
        break;
      case 1:
        bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), byte);
        break;
      case 2:
        bytes.erase(at, 1);
        break;
      default:
        bytes.resize(at);
    }
  }
  return bytes;
}

struct Outcome {
  int read = 0;
  int refused = 0;
};

// Feeds kMutations corruptions of `valid` to `parse`; a DataError must name `source`.
Outcome corrupt(const std::string& valid, const std::string& source,
                const std::function<Matrix(const std::string&)>& parse, std::uint64_t seed) {
  Outcome outcome;
  Rng rng(seed);
  for (int trial = 0; trial < kMutations; ++trial) {
    const std::string bytes = mutate(valid, rng);
    try {
      const Matrix samples = parse(bytes);
      CHECK(samples.rows() >= 1);
      CHECK(samples.cols() >= 1);
      ++outcome.read;
    } catch (const DataError& error) {
      CHECK_MESSAGE(std::string(error.what()).starts_with(source + ":"), error.what());
      ++outcome.refused;
    }
  }
  MESSAGE(source << ": " << outcome.read << " mutations read, " << outcome.refused << " refused");
  return outcome;
}

}  // namespace

TEST_CASE("corrupted CSV files are read or refused with a DataError") {
  Matrix x(3, 30);
  Rng(1).fill_normal(x);
  const Outcome outcome = corrupt(
      samples_to_csv(x), "fuzz.csv",
      [](const std::string& bytes) {
        const Matrix samples = parse_csv(bytes, "fuzz.csv").samples;
        CHECK(samples.allFinite());
        return samples;
      },
      101);
  CHECK(outcome.read > 0);
  CHECK(outcome.refused > 0);
}

TEST_CASE("corrupted NPY files are read or refused with a DataError") {
  Matrix x(3, 30);
  Rng(2).fill_normal(x);
  const auto parse = [](const std::string& bytes) { return parse_npy(bytes, "fuzz.npy"); };
  for (const auto& [valid, seed] :
       {std::pair{samples_to_npy(x), std::uint64_t{202}},
        std::pair{slurp(LIOUVILLE_SOURCE_DIR "/tests/datafiles/data/train.npy"), std::uint64_t{303}}}) {
    const Outcome outcome = corrupt(valid, "fuzz.npy", parse, seed);
    CHECK(outcome.read > 0);
    CHECK(outcome.refused > 0);
  }
}
