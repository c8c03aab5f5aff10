// The training loop from YAML: validation split, epochs, early stopping,
// keep-best, schedules, clipping, the stored standardization, and the rules
// between them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "checkpoint.hpp"
#include "cli_support.hpp"

using namespace liouville::test;

namespace {

// A 2-D planar flow on two moons, small enough to train in a moment.
const std::string kPlanarConfig = R"(liouville: 1
seed: 3
data: {type: two_moons, n: 1000}
model:
  standardize: true
  flow: [{type: planar}, {type: planar}, {type: planar}]
train:
  batch_size: 100
  validation_fraction: 0.2
  log_every: 1000
  stages:
    - optimizer: {type: adam, learning_rate: 1.0e-2}
      epochs: 300
      clip_gradient_norm: 10.0
      schedule: {type: cosine, final_factor: 0.1}
      early_stopping: {patience: 5}
eval: {n: 2000, samples: 100}
)";

std::vector<std::string> split_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream stream(line);
  for (std::string cell; std::getline(stream, cell, ',');) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

}  // namespace

TEST_CASE("train: validation split, epochs, metrics per epoch, standardization stored and used") {
  const auto run = scratch("training_loop");
  const Result train =
      run_cli("train '" + write_config("loop.yaml", kPlanarConfig).string() + "' --out '" + run.string() + "'");
  REQUIRE_MESSAGE(train.code == 0, train.err);
  CHECK(train.out.find("800 training points, 200 validation") != std::string::npos);

  std::stringstream metrics(slurp(run / "metrics.csv"));
  std::string line;
  std::getline(metrics, line);
  const std::vector<std::string> header = split_line(line);
  REQUIRE(header.size() == 15);
  long rows = 0;
  long epoch_rows = 0;
  double first_validation = 0;
  double best_validation = 1e300;
  while (std::getline(metrics, line)) {
    const std::vector<std::string> cells = split_line(line);
    REQUIRE(cells.size() == header.size());
    ++rows;
    const long iteration = std::stol(cells[2]);
    CHECK(std::stol(cells[3]) == (iteration - 1) / 8 + 1);  // 800 points / batch 100
    const bool epoch_end = iteration % 8 == 0;
    CHECK(cells[12].empty() != epoch_end);
    CHECK(cells[13].empty() != epoch_end);
    epoch_rows += epoch_end;
    if (epoch_end) {
      const double validation = std::stod(cells[13]);
      if (epoch_rows == 1) first_validation = validation;
      best_validation = std::min(best_validation, validation);
    }
  }
  CHECK(rows == 8 * epoch_rows);
  CHECK(epoch_rows < 300);  // stopped early
  CHECK(train.out.find("early stopping after " + std::to_string(epoch_rows) + " epochs") != std::string::npos);

  const liouville::host::Checkpoint checkpoint = liouville::host::read_checkpoint(run / "checkpoint.safetensors");
  REQUIRE(checkpoint.tensors.count("fixed.standardization.mean") == 1);
  REQUIRE(checkpoint.tensors.count("fixed.standardization.scale") == 1);
  const liouville::Matrix& scale = checkpoint.tensors.at("fixed.standardization.scale");

  const Result eval = run_cli("eval '" + run.string() + "' --json");
  REQUIRE_MESSAGE(eval.code == 0, eval.err);
  const auto result = nlohmann::json::parse(eval.out);
  // log p_y(y) = log p_x(x) + sum log scale for y = (x - mean) / scale.
  CHECK(result["nll_standardized"].get<double>() ==
        doctest::Approx(result["nll"].get<double>() - std::log(scale(0, 0) * scale(1, 0))));
  // keep-best: the model is the one of the best validation epoch.
  CHECK(result["validation_nll"].get<double>() == doctest::Approx(best_validation).epsilon(1e-12));
  CHECK(best_validation < first_validation - 0.3);
  CHECK(result["validation_nll_standardized"].get<double>() ==
        doctest::Approx(best_validation - std::log(scale(0, 0) * scale(1, 0))));

  const Result density = run_cli("density '" + run.string() + "' --points 200 --json");
  REQUIRE_MESSAGE(density.code == 0, density.err);
  CHECK(nlohmann::json::parse(density.out)["mass"].get<double>() == doctest::Approx(1.0).epsilon(2e-3));
}

TEST_CASE("training-loop settings that cannot work together are config errors (exit 2)") {
  struct Case {
    const char* overrides;
    const char* message;
  };
  for (const Case& c : {
           Case{"--set train.stages[0].early_stopping.patience=3 --set train.validation_fraction=0",
                "early stopping needs a validation split"},
           Case{"--set train.stages[0].iterations=10", "give either iterations or epochs"},
           Case{"--set 'train.stages[0].schedule={type: step}'", "the step schedule needs `every`"},
           Case{"--set 'train.stages[0].schedule={type: constant, gamma: 0.5}'",
                "`gamma` belongs to the step schedule"},
           Case{"--set 'train.stages[0]={optimizer: {type: lbfgs}, iterations: 5, schedule: {type: cosine}}'",
                "lbfgs has no learning rate to schedule"},
           Case{"--set 'train.stages[0]={optimizer: {type: lbfgs}, iterations: 5, clip_gradient_norm: 1.0}'",
                "clipping would make its gradient disagree"},
           Case{"--set train.validation_fraction=0.9", "train.validation_fraction"},
       }) {
    const auto run = scratch("bad_loop");
    const Result result = run_cli("train '" + write_config("loop.yaml", kPlanarConfig).string() + "' --out '" +
                                  run.string() + "' " + c.overrides);
    CHECK_MESSAGE(result.code == 2, c.overrides);
    CHECK_MESSAGE(result.err.find(c.message) != std::string::npos, c.overrides << "\n" << result.err);
  }
}
