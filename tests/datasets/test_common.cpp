// What every 2-D toy data set promises: the declared shapes and sizes, the same
// data from the same Rng and different data from another, and clear errors for a
// bad configuration or a bad request.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dataset_factory.hpp"
#include "liouville/core/errors.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

struct Expected {
  std::string name;
  Index default_n;
  bool has_log_density;
};

const std::vector<Expected> kDatasets = {
    {"two_moons", 5000, false},     {"banana", 60000, true},    {"8gaussians", 10000, true},
    {"checkerboard", 10000, false}, {"pinwheel", 10000, false}, {"circles", 10000, false},
    {"swissroll", 10000, false},    {"2spirals", 10000, false}, {"rings", 10000, false},
    {"moons", 10000, false},
};

}  // namespace

TEST_CASE("every toy data set is registered") {
  for (const Expected& expected : kDatasets) {
    CAPTURE(expected.name);
    CHECK(dataset_registry().find(Dataset::kInterface, expected.name) != nullptr);
  }
  CHECK(dataset_registry().names(Dataset::kInterface).size() == kDatasets.size());
}

TEST_CASE("toy data sets: shapes, defaults, reproducibility") {
  for (const Expected& expected : kDatasets) {
    CAPTURE(expected.name);
    const auto data = make_dataset(expected.name);
    CHECK(data->dim() == 2);
    Rng first(7), again(7), other(8);
    const Matrix train = data->training_data(first);
    CHECK(train.rows() == 2);
    CHECK(train.cols() == expected.default_n);
    CHECK(train.allFinite());
    CHECK(train == data->training_data(again));
    CHECK((train - data->training_data(other)).cwiseAbs().minCoeff() > 0);

    CHECK(make_dataset(expected.name, "n: 3")->training_data(first).cols() == 3);
    REQUIRE(data->can_sample());
    Rng rng(9), same(9);
    const Matrix draws = data->sample(11, rng);
    CHECK(draws.cols() == 11);
    CHECK(draws == data->sample(11, same));
    CHECK(data->sample(0, rng).cols() == 0);
    CHECK_THROWS_WITH_AS(data->sample(-1, rng), doctest::Contains("data: cannot draw -1 samples"), DataError);

    CHECK(data->has_log_density() == expected.has_log_density);
    Vector log_p(11);
    if (expected.has_log_density) {
      data->log_density(draws, log_p);
      CHECK(log_p.allFinite());
      Vector too_short(10);
      CHECK_THROWS_WITH_AS(data->log_density(draws, too_short), doctest::Contains("data: log_density"), DataError);
      CHECK_THROWS_AS(data->log_density(Matrix::Zero(3, 11), log_p), DataError);
    } else {
      CHECK_THROWS_WITH_AS(data->log_density(draws, log_p), doctest::Contains("data: "), NotSupported);
    }
  }
}

TEST_CASE("toy data sets: bad configurations are rejected by the schema") {
  for (const Expected& expected : kDatasets) {
    CAPTURE(expected.name);
    CHECK_THROWS_WITH_AS(make_dataset(expected.name, "n: 0"), doctest::Contains("data.n"), ConfigError);
    CHECK_THROWS_WITH_AS(make_dataset(expected.name, "n: -5"), doctest::Contains("data.n"), ConfigError);
    CHECK_THROWS_WITH_AS(make_dataset(expected.name, "n: 2.5"), doctest::Contains("data.n"), ConfigError);
    CHECK_THROWS_WITH_AS(make_dataset(expected.name, "size: 10"), doctest::Contains("size"), ConfigError);
  }
  CHECK_THROWS_WITH_AS(make_dataset("two_moons", "noise: -0.1"), doctest::Contains("data.noise"), ConfigError);
  CHECK_THROWS_WITH_AS(make_dataset("moons", "noise: -0.1"), doctest::Contains("data.noise"), ConfigError);
  CHECK_THROWS_WITH_AS(make_dataset("banana", "c: [0.0, 4.0]"), doctest::Contains("c[0] must be > 0"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make_dataset("banana", "c: [-1.0, 4.0]"), doctest::Contains("c[0] must be > 0"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make_dataset("banana", "c: [1.0]"), doctest::Contains("data.c"), ConfigError);
  CHECK_THROWS_WITH_AS(make_dataset("banana", "c: [1.0, 4.0, 2.0]"), doctest::Contains("data.c"), ConfigError);
}
