// Wall time of the FFJORD 1-D seed experiment (configs/ffjord_normal_1d.yaml):
// the Adam stage, the L-BFGS stage, their function evaluations and the total,
// over several repetitions (median and range). Prints figures; asserts nothing.
//
//   bench_ffjord_1d [CONFIG] [REPETITIONS]
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "memory_reuse.hpp"

using namespace liouville;
using namespace liouville::host;

int main(int argc, char** argv) {
  keep_freed_memory();  // as the liouville host does
  const std::string config = argc > 1 ? argv[1] : LIOUVILLE_SOURCE_DIR "/configs/ffjord_normal_1d.yaml";
  const int repetitions = argc > 2 ? std::stoi(argv[2]) : 5;
  Registry registry;
  const Params params = validate(ConfigDocument::from_file(config), registry);

  std::vector<std::vector<double>> stage_seconds;
  std::vector<double> totals;
  std::printf("%s, %d repetitions\n", config.c_str(), repetitions);
  for (int r = 0; r < repetitions; ++r) {
    Experiment experiment = build_experiment(params, registry);
    Trainer trainer(*experiment.model, *experiment.parameters, experiment.training_data, experiment.seed);
    double total = 0;
    stage_seconds.resize(experiment.stages.size());
    for (std::size_t s = 0; s < experiment.stages.size(); ++s) {
      const StageResult result = trainer.run_stage(s, experiment.stages[s], nullptr);
      stage_seconds[s].push_back(result.seconds);
      total += result.seconds;
      if (r == 0)
        std::printf(
            "  stage %zu %-6s %4ld iterations, %4ld objective evaluations, nfe %7ld forward + %7ld backward, "
            "loss %.6f (%s)\n",
            s + 1, result.name.c_str(), result.result.iterations, result.result.evaluations,
            result.work.forward.function_evaluations, result.work.backward.function_evaluations,
            result.result.loss, result.result.message.c_str());
    }
    totals.push_back(total);
  }
  auto report = [](const char* label, std::vector<double> values) {
    std::sort(values.begin(), values.end());
    std::printf("  %-14s median %8.4f s   min %8.4f s   max %8.4f s\n", label, values[values.size() / 2],
                values.front(), values.back());
  };
  for (std::size_t s = 0; s < stage_seconds.size(); ++s)
    report(("stage " + std::to_string(s + 1)).c_str(), stage_seconds[s]);
  report("total training", totals);
  return 0;
}
