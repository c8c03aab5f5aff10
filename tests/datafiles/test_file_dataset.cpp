// The `csv` and `npy` data sets: training rows from `path`, held-out rows from
// `test_path` drawn without replacement, and clear errors for bad files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "liouville/core/dataset.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/io/csv.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"

using namespace liouville;

namespace {

const std::string kData = LIOUVILLE_SOURCE_DIR "/tests/datafiles/data/";

const Registry& file_registry() {
  static const Registry registry = [] {
    Registry r;
    r.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_file_data.so");
    return r;
  }();
  return registry;
}

// `fields` is the body of a YAML flow map, e.g. "path: 'a.csv'".
std::shared_ptr<Dataset> make_dataset(const std::string& type, const std::string& fields) {
  Schema top;
  top.component("data", Dataset::kInterface).required();
  const std::string yaml = "data: {type: " + type + ", " + fields + "}\n";
  const Params params = bind(ConfigDocument::from_string(yaml, "test.yaml"), top, file_registry());
  ParameterStore store;
  Rng rng(1);
  RegistryBuildContext context(file_registry(), store, rng, 0);
  return context.create<Dataset>(params, "data");
}

std::vector<std::vector<double>> sorted_columns(const Matrix& x) {
  std::vector<std::vector<double>> columns;
  for (Index j = 0; j < x.cols(); ++j) columns.emplace_back(x.col(j).data(), x.col(j).data() + x.rows());
  std::sort(columns.begin(), columns.end());
  return columns;
}

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("liouville_file_data_" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST_CASE("csv and npy data sets read one sample per row") {
  const Matrix train = io::read_csv(kData + "train.csv").samples;
  const Matrix test = io::read_csv(kData + "test.csv").samples;
  for (const std::string type : {"csv", "npy"}) {
    CAPTURE(type);
    const auto data =
        make_dataset(type, "path: '" + kData + "train." + type + "', test_path: '" + kData + "test." + type + "'");
    CHECK(data->dim() == 2);
    Rng rng(3);
    CHECK(data->training_data(rng) == train);
    CHECK_FALSE(data->has_log_density());
    Vector log_p(train.cols());
    CHECK_THROWS_AS(data->log_density(train, log_p), NotSupported);

    REQUIRE(data->can_sample());
    // All held-out rows: a permutation of the test file.
    Rng first(5), again(5);
    const Matrix all = data->sample(test.cols(), first);
    CHECK(sorted_columns(all) == sorted_columns(test));
    CHECK(all == data->sample(test.cols(), again));
    // Fewer: distinct rows of the test file.
    const Matrix some = data->sample(4, first);
    const auto rows = sorted_columns(some), test_rows = sorted_columns(test);
    CHECK(std::set(rows.begin(), rows.end()).size() == 4);
    for (const auto& row : rows) CHECK(std::binary_search(test_rows.begin(), test_rows.end(), row));
    CHECK(data->sample(0, first).cols() == 0);
    CHECK_THROWS_WITH_AS(data->sample(11, first),
                         ("data: cannot draw 11 distinct held-out rows from '" + kData + "test." + type +
                          "', which has 10 (ask for at most 10, e.g. eval.n: 10)")
                             .c_str(),
                         DataError);
    CHECK_THROWS_WITH_AS(data->sample(-1, first), "data: cannot draw -1 samples", DataError);
  }
}

TEST_CASE("without test_path a file data set cannot draw samples") {
  const auto data = make_dataset("npy", "path: '" + kData + "train.npy'");
  CHECK_FALSE(data->can_sample());
  Rng rng(1);
  CHECK_THROWS_WITH_AS(data->sample(3, rng), doctest::Contains("data: without test_path"), NotSupported);
}

TEST_CASE("csv data set: the header setting") {
  const auto numbers = write_file("numbers.csv", "1,2\n3,4\n");
  Rng rng(1);
  CHECK(make_dataset("csv", "path: '" + numbers.string() + "'")->training_data(rng).cols() == 2);
  CHECK(make_dataset("csv", "path: '" + numbers.string() + "', header: true")->training_data(rng).cols() == 1);
  CHECK_THROWS_WITH_AS(make_dataset("csv", "path: '" + kData + "train.csv', header: false"),
                       ("data (Dataset 'csv'): " + kData + "train.csv:1:1: expected a number, found 'x0'").c_str(),
                       DataError);
  std::filesystem::remove(numbers);
}

TEST_CASE("file data sets: bad files and settings are clear errors") {
  CHECK_THROWS_WITH_AS(make_dataset("csv", "test_path: 'a.csv'"), doctest::Contains("data.path"), ConfigError);
  CHECK_THROWS_WITH_AS(make_dataset("csv", "path: 'a.csv', header: maybe"), doctest::Contains("data.header"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make_dataset("npy", "path: '/no/such/file.npy'"),
                       "data (Dataset 'npy'): cannot open '/no/such/file.npy': No such file or directory",
                       DataError);
  const auto wide = write_file("wide.csv", "1,2,3\n");
  CHECK_THROWS_WITH_AS(make_dataset("csv", "path: '" + kData + "train.csv', test_path: '" + wide.string() + "'"),
                       ("data: the samples of test_path '" + wide.string() +
                        "' have dimension 3, those of path '" + kData + "train.csv' 2")
                           .c_str(),
                       DataError);
  std::filesystem::remove(wide);
  const auto broken = write_file("broken.npy", "\x93NUMPY\x01");
  CHECK_THROWS_WITH_AS(
      make_dataset("npy", "path: '" + broken.string() + "'"),
      ("data (Dataset 'npy'): " + broken.string() + ": version: the file ends after the magic string").c_str(),
      DataError);
  std::filesystem::remove(broken);
}
