// Golden diagnostics: every cases/NAME.yaml fails to bind, and its message
// contains each line of cases/NAME.expected (file:line:col, key path, note).
#include <algorithm>
#include <fstream>
#include <sstream>

#include "config_test_support.hpp"

namespace liouville::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> expected_lines(const fs::path& path) {
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

std::vector<fs::path> cases() {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(LIOUVILLE_CONFIG_CASES_DIR))
    if (entry.path().extension() == ".yaml") found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  return found;
}

TEST_CASE("every golden case fails with the expected diagnostics") {
  const auto all = cases();
  REQUIRE(all.size() >= 17);
  for (const fs::path& yaml : all) {
    CAPTURE(yaml.filename().string());
    fs::path expected = yaml;
    expected.replace_extension(".expected");
    const auto lines = expected_lines(expected);
    REQUIRE(!lines.empty());
    std::string message;
    try {
      bind(ConfigDocument::from_file(yaml), experiment_schema(), test_registry());
    } catch (const ConfigErrors& errors) {
      message = errors.what();
    }
    CAPTURE(message);
    for (const std::string& line : lines) {
      CAPTURE(line);
      CHECK(contains(message, line));
    }
  }
}

}  // namespace
}  // namespace liouville::testing
