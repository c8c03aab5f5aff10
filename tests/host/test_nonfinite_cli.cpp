// train.on_nonfinite from the command line: a data set with one point far out
// (1e200) makes the base log-density -inf on every batch that holds it.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "cli_support.hpp"

using namespace liouville::test;

namespace {

// 12 points near 0 and one at 1e200, in a CSV file; a config training on it.
std::filesystem::path far_point_config(const std::string& name, const std::string& train) {
  const auto folder = scratch("nonfinite_" + name);
  std::ofstream data(folder / "data.csv");
  data << "x\n";
  for (int i = 0; i < 12; ++i) data << 0.1 * (i - 6) << "\n";
  data << "1e200\n";
  data.close();
  return write_config("nonfinite_" + name + ".yaml",
                      "liouville: 1\ndata: {type: csv, path: '" + (folder / "data.csv").string() + R"('}
model:
  standardize: false
  base: {type: standard_normal}
  flow: [{type: actnorm, data_init: false}, {type: planar}]
train:
)" + train + "eval: {n: 10, samples: 10}\n");
}

Result train(const std::filesystem::path& config, const std::string& extra = "") {
  return run_cli("train '" + config.string() + "' --out '" + (config.parent_path() / "run").string() + "' " +
                 extra);
}

}  // namespace

TEST_CASE("on_nonfinite: stop names the stage, the iteration and the component, and exits 1") {
  const auto config = far_point_config("stop", R"(  batch_size: 1
  stages: [{optimizer: {type: adam, learning_rate: 0.01}, iterations: 100}]
)");
  const Result result = train(config);
  INFO(result.err);
  CHECK(result.code == 1);
  CHECK(result.err.find("training stage 1 (adam), iteration ") != std::string::npos);
  CHECK(result.err.find(": the loss is inf; first non-finite value: model.base (standard_normal): its log-density "
                        "is -inf for 1 of 1 samples (train.on_nonfinite: stop)") != std::string::npos);
}

TEST_CASE("on_nonfinite: skip trains past the far point and reports how many steps it skipped") {
  const auto config = far_point_config("skip", R"(  batch_size: 1
  on_nonfinite: skip
  max_consecutive_skips: 3
  stages: [{optimizer: {type: adam, learning_rate: 0.01}, iterations: 60}]
)");
  const Result result = train(config);
  INFO(result.err);
  REQUIRE(result.code == 0);
  // 60 good batches of the 12 good points take 5 passes over the 13 points, each of which draws the far
  // point once, except that the fifth may end on it after the 60th good batch.
  const auto skipped = [&](int n) {
    return result.out.find(std::to_string(n) + " steps skipped for a non-finite loss or gradient") !=
           std::string::npos;
  };
  CHECK((skipped(4) || skipped(5)));
  const std::string metrics = slurp(config.parent_path() / "run" / "metrics.csv");
  CHECK(metrics.find("nan") == std::string::npos);
  CHECK(metrics.find("inf") == std::string::npos);
}

TEST_CASE("on_nonfinite: skip stops after max_consecutive_skips non-finite steps in a row") {
  const auto config = far_point_config("full_batch", R"(  on_nonfinite: skip
  max_consecutive_skips: 4
  stages: [{optimizer: {type: adam}, iterations: 10}]
)");
  const Result result = train(config);
  INFO(result.err);
  CHECK(result.code == 1);
  CHECK(result.err.find("training stage 1 (adam), iteration 1: 4 steps in a row were skipped for a non-finite "
                        "loss or gradient (train.max_consecutive_skips: 4); the last: the loss is inf") !=
        std::string::npos);
}

TEST_CASE("an lbfgs stage stops on a non-finite loss even with on_nonfinite: skip, naming the component") {
  const auto config = far_point_config("lbfgs", R"(  on_nonfinite: skip
  stages: [{optimizer: {type: lbfgs}, iterations: 10}]
)");
  const Result result = train(config);
  INFO(result.err);
  CHECK(result.code == 1);
  CHECK(result.err.find("training stage 1 (lbfgs), iteration 1: lbfgs: the loss at the initial point is inf; "
                        "first non-finite value: model.base (standard_normal): its log-density is -inf for 1 of "
                        "13 samples") != std::string::npos);
}

TEST_CASE("on_nonfinite takes stop or skip only") {
  const auto config = far_point_config("bad_policy", "  stages: [{optimizer: {type: adam}, iterations: 1}]\n");
  const Result result = run_cli("validate '" + config.string() + "' --set train.on_nonfinite=ignore");
  CHECK(result.code == 2);
  CHECK(result.err.find("train.on_nonfinite") != std::string::npos);
}
