// The two discrete-flow seed experiments end to end through the CLI: Glow on the
// banana (seed 003) and the planar flow on two moons (seed 002) reach their
// figures, and their density grids and samples are right.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "liouville/core/io/csv.hpp"

using namespace liouville::test;

namespace {

// Distance from (x, y) to the noiseless moons of flowjax's two_moons: the upper
// half of the circle of radius 2 about (-1, 0) and the lower half about (1, 0).
double distance_to_moons(double x, double y) {
  double best = 1e300;
  for (const auto& [centre, upper] : {std::pair{-1.0, true}, std::pair{1.0, false}}) {
    const double d = (y >= 0) == upper ? std::abs(std::hypot(x - centre, y) - 2.0)
                                       : std::min(std::hypot(x - centre - 2, y), std::hypot(x - centre + 2, y));
    best = std::min(best, d);
  }
  return best;
}

nlohmann::json run_json(const std::string& arguments) {
  const Result result = run_cli(arguments + " --json");
  REQUIRE_MESSAGE(result.code == 0, arguments << "\n" << result.err);
  return nlohmann::json::parse(result.out);
}

}  // namespace

TEST_CASE("glow_banana reaches the optimum within 0.03 nats; its density grid holds mass 1") {
  const auto run = scratch("glow_banana");
  const Result train =
      run_cli("train '" LIOUVILLE_SOURCE_DIR "/configs/glow_banana.yaml' --out '" + run.string() + "'");
  REQUIRE_MESSAGE(train.code == 0, train.err);
  const auto eval = run_json("eval '" + run.string() + "'");
  MESSAGE("glow_banana held-out NLL " << eval["nll"] << ", KL " << eval["kl"]);
  CHECK(eval["kl"].get<double>() < 0.03);
  CHECK(run_json("density '" + run.string() + "' --points 300")["mass"].get<double>() ==
        doctest::Approx(1.0).epsilon(1e-3));
  const auto moments = run_json("sample '" + run.string() + "' --n 20000");
  // The banana's first coordinate is N(0, 1).
  CHECK(std::abs(moments["mean"][0].get<double>()) < 0.05);
  CHECK(moments["std"][0].get<double>() == doctest::Approx(1.0).epsilon(0.05));
}

TEST_CASE("planar_two_moons: validation NLL of the standardized data <= 1.60, samples on the moons") {
  const auto run = scratch("planar_two_moons");
  const Result train =
      run_cli("train '" LIOUVILLE_SOURCE_DIR "/configs/planar_two_moons.yaml' --out '" + run.string() + "'");
  REQUIRE_MESSAGE(train.code == 0, train.err);
  const auto eval = run_json("eval '" + run.string() + "'");
  MESSAGE("planar_two_moons validation NLL (standardized) " << eval["validation_nll_standardized"] << ", held-out "
                                                            << eval["nll_standardized"]);
  CHECK(eval["validation_nll_standardized"].get<double>() <= 1.60);
  CHECK(run_json("density '" + run.string() + "' --points 300")["mass"].get<double>() ==
        doctest::Approx(1.0).epsilon(1e-3));

  const auto samples_file = run / "moons.csv";
  run_json("sample '" + run.string() + "' --n 5000 --out '" + samples_file.string() + "'");
  const liouville::Matrix samples = liouville::io::read_csv(samples_file).samples;
  long near = 0;
  for (liouville::Index j = 0; j < samples.cols(); ++j)
    near += distance_to_moons(samples(0, j), samples(1, j)) < 0.6;  // 3 noise standard deviations
  // 99.7% of the data lie this close.
  CHECK(static_cast<double>(near) / static_cast<double>(samples.cols()) > 0.95);
}
