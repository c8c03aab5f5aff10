// The inputs that crashed a fuzzer, each now refused cleanly: the reader throws
// its own error type (DataError, ConfigError) naming the input, nothing else
// escapes, and (in the sanitize build) nothing trips ASan or UBSan.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz_readers.hpp"

namespace liouville::fuzz {
namespace {

namespace fs = std::filesystem;

using Reader = std::vector<std::string> (*)(std::string_view);

struct Kind {
  const char* folder;  // regressions/<folder>/
  Reader read;
  const char* source;  // the name the reader gives the input in its messages
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::vector<fs::path> inputs(const char* folder) {
  std::vector<fs::path> found;
  const fs::path place = fs::path(LIOUVILLE_FUZZ_REGRESSIONS_DIR) / folder;
  if (fs::is_directory(place))
    for (const auto& entry : fs::directory_iterator(place)) found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  return found;
}

TEST_CASE("every input that crashed a fuzzer is refused with the reader's own error") {
  const Kind kinds[] = {{"csv", read_csv_input, "fuzz.csv"},
                        {"npy", read_npy_input, "fuzz.npy"},
                        {"checkpoint", read_checkpoint_input, "fuzz.safetensors"},
                        {"config", read_config_input, "fuzz.yaml"}};
  std::size_t replayed = 0;
  for (const Kind& kind : kinds) {
    for (const fs::path& input : inputs(kind.folder)) {
      const std::string name = input.lexically_relative(LIOUVILLE_FUZZ_REGRESSIONS_DIR).string();
      CAPTURE(name);
      std::vector<std::string> refusals;
      CHECK_NOTHROW(refusals = kind.read(slurp(input)));
      CHECK_FALSE(refusals.empty());
      for (const std::string& message : refusals) {
        CAPTURE(message);
        CHECK(message.find(kind.source) != std::string::npos);
      }
      ++replayed;
    }
  }
  CHECK(replayed > 0);
}

}  // namespace
}  // namespace liouville::fuzz
