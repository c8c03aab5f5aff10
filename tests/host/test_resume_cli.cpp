// `liouville train --resume`: a run stopped at a checkpoint and resumed writes
// the same metrics (every column but the wall time) and parameters as the run
// that was never stopped, inside an Adam stage with mini-batches and across a
// stage boundary; a checkpoint from other plugin versions is refused.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "checkpoint.hpp"
#include "cli_support.hpp"
#include "liouville/core/errors.hpp"

using namespace liouville::test;

namespace {

// Planar flows: Adam on mini-batches with a validation split, a schedule and
// early stopping's bookkeeping, then L-BFGS.
const std::string kPlanarConfig = R"(liouville: 1
seed: 4
data: {type: two_moons, n: 500}
model:
  standardize: true
  flow: [{type: planar}, {type: planar}]
train:
  batch_size: 60
  validation_fraction: 0.2
  log_every: 1000
  stages:
    - optimizer: {type: adam, learning_rate: 1.0e-2}
      iterations: 40
      schedule: {type: cosine, final_factor: 0.1}
      early_stopping: {patience: 100}
      keep_best: true
    - optimizer: {type: lbfgs}
      iterations: 15
eval: {n: 500, samples: 50}
)";

// FFJORD 1-D with Hutchinson's estimator: fresh probes every Adam iteration.
const std::string kFfjordConfig = R"(liouville: 1
seed: 2
data: {type: normal, mean: [6.0], std: [0.7], n: 100}
model:
  flow:
    - type: ffjord
      tspan: [0.0, 1.0]
      vector_field: {type: mlp, hidden: [4], activation: tanh}
      solver: {type: tsit5, rtol: 1.0e-5, atol: 1.0e-7}
      trace: {type: hutchinson}
train:
  batch_size: 30
  log_every: 1000
  stages:
    - optimizer: {type: adam, learning_rate: 0.02}
      iterations: 12
eval: {n: 200, samples: 20}
)";

// metrics.csv without its `seconds` column (wall time).
std::string metrics_without_time(const std::filesystem::path& run) {
  std::stringstream in(slurp(run / "metrics.csv"));
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    REQUIRE(cells.size() >= 12);
    cells.erase(cells.begin() + 11);
    for (const std::string& cell : cells) out += cell + ",";
    out += "\n";
  }
  return out;
}

// The model's parameters in a run's checkpoint.
std::map<std::string, liouville::Matrix> parameters(const std::filesystem::path& run) {
  auto tensors = liouville::host::read_checkpoint(run / "checkpoint.safetensors").tensors;
  std::erase_if(tensors, [](const auto& entry) { return entry.first.starts_with("state."); });
  return tensors;
}

std::string train(const std::filesystem::path& config, const std::filesystem::path& run,
                  const std::string& options = "") {
  const Result result = run_cli("train '" + config.string() + "' --out '" + run.string() + "' " + options);
  REQUIRE_MESSAGE(result.code == 0, result.err);
  return result.out;
}

std::string resume(const std::filesystem::path& run, const std::string& options = "") {
  const Result result = run_cli("train --resume '" + run.string() + "' " + options);
  REQUIRE_MESSAGE(result.code == 0, result.err);
  return result.out;
}

}  // namespace

TEST_CASE("resume: stopped inside Adam, across the stage boundary, or twice, the run retraces itself") {
  const auto config = write_config("resume_planar.yaml", kPlanarConfig);
  const auto straight = scratch("resume_straight");
  train(config, straight);
  const std::string expected = metrics_without_time(straight);
  CHECK(std::count(expected.begin(), expected.end(), '\n') == 1 + 40 + 15);  // header, Adam, L-BFGS

  SUBCASE("inside the Adam stage") {
    const auto run = scratch("resume_inside");
    const std::string out = train(config, run, "--set train.checkpoint_every=7 --stop-after 17");
    CHECK(out.find("stopped after 21 iterations") != std::string::npos);
    const auto checkpoint = liouville::host::read_checkpoint(run / "checkpoint.safetensors");
    CHECK(checkpoint.metadata.at("stage") == "0");
    CHECK(checkpoint.metadata.at("iteration") == "21");
    CHECK(checkpoint.tensors.count("state.optimizer.adam.m") == 1);
    CHECK(resume(run).find("resuming stage 1 at iteration 21") != std::string::npos);
    CHECK(metrics_without_time(run) == expected);
    CHECK(parameters(run) == parameters(straight));
  }
  SUBCASE("at the stage boundary") {
    const auto run = scratch("resume_boundary");
    CHECK(train(config, run, "--stop-after 40").find("stopped after 40") != std::string::npos);
    CHECK(liouville::host::read_checkpoint(run / "checkpoint.safetensors").metadata.at("stage") == "1");
    resume(run);
    CHECK(metrics_without_time(run) == expected);
    CHECK(parameters(run) == parameters(straight));
  }
  SUBCASE("inside the L-BFGS stage") {
    const auto run = scratch("resume_lbfgs");
    train(config, run, "--set train.checkpoint_every=5 --stop-after 50");
    const auto checkpoint = liouville::host::read_checkpoint(run / "checkpoint.safetensors");
    CHECK(checkpoint.metadata.at("stage") == "1");
    CHECK(checkpoint.metadata.at("iteration") == "10");
    CHECK(checkpoint.tensors.count("state.optimizer.lbfgs.s0") == 1);
    resume(run);
    CHECK(metrics_without_time(run) == expected);
    CHECK(parameters(run) == parameters(straight));
  }
  SUBCASE("twice, into another folder") {
    const auto run = scratch("resume_twice");
    train(config, run, "--set train.checkpoint_every=5 --stop-after 3");
    resume(run, "--stop-after 20");
    const auto moved = scratch("resume_moved");
    resume(run / "checkpoint.safetensors", "--out '" + moved.string() + "'");
    CHECK(metrics_without_time(moved) == expected);
    CHECK(parameters(moved) == parameters(straight));
  }
}

TEST_CASE("resume: a CNF with Hutchinson probes continues its noise, batches and function counts") {
  const auto config = write_config("resume_ffjord.yaml", kFfjordConfig);
  const auto straight = scratch("resume_ffjord_straight");
  train(config, straight);
  const auto run = scratch("resume_ffjord");
  train(config, run, "--set train.checkpoint_every=5 --stop-after 5");
  resume(run);
  CHECK(metrics_without_time(run) == metrics_without_time(straight));
  CHECK(parameters(run) == parameters(straight));
}

TEST_CASE("resume: a checkpoint that does not fit is refused with what is wrong") {
  const auto config = write_config("resume_planar.yaml", kPlanarConfig);
  const auto run = scratch("resume_refused");
  train(config, run, "--set train.checkpoint_every=5 --stop-after 5");

  const Result other_optimizer = run_cli("train --resume '" + run.string() +
                                         "' --set 'train.stages[0]={optimizer: {type: lbfgs}, iterations: 40}'");
  CHECK(other_optimizer.code == 2);
  CHECK(other_optimizer.err.find("ran optimizer 'adam' but the config's runs 'lbfgs'") != std::string::npos);

  const Result past_end = run_cli("train --resume '" + run.string() + "' --set train.stages[0].iterations=3");
  CHECK(past_end.code == 2);
  CHECK(past_end.err.find("iteration 5 is not inside its stage of 3 iterations") != std::string::npos);

  const Result both = run_cli("train '" + config.string() + "' --resume '" + run.string() + "'");
  CHECK(both.code == 2);

  std::filesystem::remove(run / "metrics.csv");
  const Result no_metrics = run_cli("train --resume '" + run.string() + "'");
  CHECK(no_metrics.code == 2);
  CHECK(no_metrics.err.find("no metrics at") != std::string::npos);
}

TEST_CASE("a checkpoint written by other plugin versions or another build is refused by eval and resume") {
  const auto config = write_config("resume_planar.yaml", kPlanarConfig);
  const auto run = scratch("resume_versions");
  train(config, run, "--set train.checkpoint_every=5 --stop-after 5");
  const auto path = run / "checkpoint.safetensors";
  const liouville::host::Checkpoint original = liouville::host::read_checkpoint(path);
  nlohmann::json plugins = nlohmann::json::parse(original.metadata.at("plugins"));
  REQUIRE(plugins.contains("planar"));

  // Rewrites the checkpoint with changed metadata.
  auto rewrite = [&](const std::string& key, const std::string& value) {
    liouville::ParameterStore store;
    std::map<std::string, liouville::Matrix> extra;
    for (const auto& [name, values] : original.tensors) {
      if (name.starts_with("fixed.") || name.starts_with("state.")) {
        extra[name] = values;
      } else {
        const liouville::ParameterSlice slice = store.allocate(name, values.rows(), values.cols());
        slice.mutable_value() = values;
      }
    }
    auto metadata = original.metadata;
    metadata[key] = value;
    liouville::host::save_checkpoint(path, store, metadata, extra);
  };
  REQUIRE(run_cli("eval '" + run.string() + "'").code == 0);

  plugins["planar"] = "0.0.0-other";
  rewrite("plugins", plugins.dump());
  for (const std::string& command : {"eval '" + run.string() + "'", "train --resume '" + run.string() + "'"}) {
    const Result refused = run_cli(command);
    CHECK(refused.code == 2);
    CHECK_MESSAGE(refused.err.find("needs other plugin versions") != std::string::npos, refused.err);
    CHECK(refused.err.find("planar 0.0.0-other wrote it") != std::string::npos);
  }
  rewrite("build_tag", "gcc-1.0 other-abi");
  const Result other_build = run_cli("eval '" + run.string() + "'");
  CHECK(other_build.code == 2);
  CHECK(other_build.err.find("built as 'gcc-1.0 other-abi'") != std::string::npos);
}
