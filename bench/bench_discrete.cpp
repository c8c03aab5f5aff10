// Training wall time of the discrete-flow experiments: configs/glow_banana.yaml
// as written, and configs/planar_two_moons.yaml at 1000 Adam iterations in
// batches of 500. Median, min and max over R repetitions of the training stages
// (building the experiment, i.e. drawing the data, is timed apart), and the final
// loss, so a speed-up can be checked not to change the results. Targets: glow
// banana <= 0.5 s, planar 1000 its x batch 500 <= 1 s. Asserts nothing.
//
//   bench_discrete [REPETITIONS] [model.memory]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "experiment.hpp"

using namespace liouville;
using namespace liouville::host;

namespace {

struct Run {
  double build_seconds = 0;
  double train_seconds = 0;
  Scalar loss = 0;
};

Run train_once(const Params& params, const Registry& registry) {
  const auto start = std::chrono::steady_clock::now();
  Experiment experiment = build_experiment(params, registry);
  Run run;
  run.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Trainer trainer(*experiment.model, *experiment.parameters, experiment.training_data, experiment.seed);
  for (const StageResult& stage : trainer.run(experiment.stages, nullptr)) {
    run.train_seconds += stage.seconds;
    run.loss = stage.result.loss;
  }
  return run;
}

void bench(const std::string& label, const std::string& config, const std::vector<std::string>& overrides,
           int repetitions, double target_seconds) {
  ConfigDocument document = ConfigDocument::from_file(config);
  for (const std::string& assignment : overrides) document.apply_override(assignment);
  Registry registry;
  const Params params = validate(document, registry);
  std::vector<double> train, build;
  Scalar loss = 0;
  for (int r = 0; r < repetitions; ++r) {
    const Run run = train_once(params, registry);
    train.push_back(run.train_seconds);
    build.push_back(run.build_seconds);
    loss = run.loss;
  }
  std::sort(train.begin(), train.end());
  std::sort(build.begin(), build.end());
  const double median = train[train.size() / 2];
  std::printf(
      "%-34s train median %7.3f s (min %7.3f, max %7.3f), target <= %.1f s: %s; build %.3f s; last loss %.6f\n",
      label.c_str(), median, train.front(), train.back(), target_seconds,
      median <= target_seconds ? "met" : "MISSED", build[build.size() / 2], loss);
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::stoi(argv[1]) : 5;
  std::vector<std::string> memory;
  if (argc > 2) memory.push_back(std::string("model.memory=") + argv[2]);
  std::printf("%d repetitions%s\n", repetitions, memory.empty() ? "" : (", " + memory.front()).c_str());
  bench("glow_banana (as written)", LIOUVILLE_SOURCE_DIR "/configs/glow_banana.yaml", memory, repetitions, 0.5);
  std::vector<std::string> planar = memory;
  planar.insert(planar.end(), {"train.stages[0].iterations=1000", "train.batch_size=500"});
  bench("planar_two_moons (1000 its x 500)", LIOUVILLE_SOURCE_DIR "/configs/planar_two_moons.yaml", planar,
        repetitions, 1.0);
  return 0;
}
