// Training wall time of the discrete-flow experiments: configs/glow_banana.yaml
// as written, and configs/planar_two_moons.yaml at 1000 Adam iterations in
// batches of 500. Median, min and max over R repetitions of the training stages
// (building the experiment, i.e. drawing the data, is timed apart), and the final
// loss, so a speed-up can be checked not to change the results. Training is
// single-threaded, so the process CPU time is printed too: on a shared machine it
// is the figure that other processes do not inflate. Targets: glow banana
// <= 0.5 s, planar 1000 its x batch 500 <= 1 s. Asserts nothing.
//
//   bench_discrete [REPETITIONS] [model.memory]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "memory_reuse.hpp"

using namespace liouville;
using namespace liouville::host;

namespace {

struct Run {
  double build_seconds = 0;
  double train_seconds = 0;
  double train_cpu_seconds = 0;
  Scalar loss = 0;
};

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

Run train_once(const Params& params, const Registry& registry) {
  const auto start = std::chrono::steady_clock::now();
  Experiment experiment = build_experiment(params, registry);
  Run run;
  run.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_start = cpu_seconds();
  Trainer trainer(*experiment.model, *experiment.parameters, experiment.training_data, experiment.seed);
  for (const StageResult& stage : trainer.run(experiment.stages, nullptr)) {
    run.train_seconds += stage.seconds;
    run.loss = stage.result.loss;
  }
  run.train_cpu_seconds = cpu_seconds() - cpu_start;
  return run;
}

void bench(const std::string& label, const std::string& config, const std::vector<std::string>& overrides,
           int repetitions, double target_seconds) {
  ConfigDocument document = ConfigDocument::from_file(config);
  for (const std::string& assignment : overrides) document.apply_override(assignment);
  Registry registry;
  const Params params = validate(document, registry);
  std::vector<double> train, cpu, build;
  Scalar loss = 0;
  for (int r = 0; r < repetitions; ++r) {
    const Run run = train_once(params, registry);
    train.push_back(run.train_seconds);
    cpu.push_back(run.train_cpu_seconds);
    build.push_back(run.build_seconds);
    loss = run.loss;
  }
  const double wall = median(train);
  std::printf("%-34s train median %7.3f s wall (min %7.3f, max %7.3f), %7.3f s CPU; target <= %.1f s: %s\n",
              label.c_str(), wall, *std::min_element(train.begin(), train.end()),
              *std::max_element(train.begin(), train.end()), median(cpu), target_seconds,
              wall <= target_seconds ? "met" : "missed");
  std::printf("%-34s build %.3f s; final loss %.6f\n", "", median(build), loss);
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_memory();  // as the liouville host does
  const int repetitions = argc > 1 ? std::stoi(argv[1]) : 5;
  std::vector<std::string> memory;
  if (argc > 2) memory.push_back(std::string("model.memory=") + argv[2]);
  std::printf("%d repetitions%s\n", repetitions, memory.empty() ? "" : (", " + memory.front()).c_str());
  bench("glow_banana (as written)", LIOUVILLE_SOURCE_DIR "/configs/glow_banana.yaml", memory, repetitions, 0.5);
  std::vector<std::string> planar = memory;
  // The speed target's workload: 1000 Adam iterations at batch 500, no validation split.
  planar.insert(planar.end(),
                {"train.stages[0]={optimizer: {type: adam, learning_rate: 2.0e-3}, iterations: 1000}",
                 "train.batch_size=500", "train.validation_fraction=0"});
  bench("planar_two_moons (1000 its x 500)", LIOUVILLE_SOURCE_DIR "/configs/planar_two_moons.yaml", planar,
        repetitions, 1.0);
  return 0;
}
