// Multi-threaded CNF training step: ms per iteration (forward and backward of
// the NLL) of configs/ffjord_8gaussians.yaml as written (FFJORD train_toy.py:
// concatsquash mlp 64-64-64 with tanh, T = 0.5, dopri5 at rtol = atol = 1e-5,
// exact trace, adjoint gradient), and the same with the discrete gradient, for
// batches of 100 and 512 on 1 and 2 threads. Also prints the function
// evaluations of each iteration's forward and backward solves (the same on any
// thread count) and checks that the NLL and its gradient are the same bit for
// bit. The process CPU time per iteration (all threads) shows how much of the
// machine the run got: on a free machine it is about the wall time times the
// threads. Median over R iterations after one warm-up; the parameters stay at
// their initialization, so every iteration does the same work. Targets (issue 4):
// <= 5 ms at batch 100, <= 15 ms at 512, 2 threads >= 1.8x faster than 1.
// Asserts nothing.
//
//   bench_threads [ITERATIONS] [CONFIG] [GRADIENT BATCH]   (one case alone, for a profiler)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "liouville/core/solve_counters.hpp"
#include "memory_reuse.hpp"

using namespace liouville;
using namespace liouville::host;

namespace {

struct Timing {
  double median_ms = 0;
  double min_ms = 0;
  double cpu_ms = 0;  // process CPU time per iteration, all threads
  double forward_nfe = 0;
  double backward_nfe = 0;
  Scalar nll = 0;
  Vector gradient;
};

Timing time_iterations(const std::string& config, const std::string& gradient_method, long threads, Index batch,
                       int iterations) {
  ConfigDocument document = ConfigDocument::from_file(config);
  document.apply_override("threads=" + std::to_string(threads));
  document.apply_override("data.n=" + std::to_string(batch));
  document.apply_override("train.validation_fraction=0");
  document.apply_override("model.flow[0].gradient=" + gradient_method);
  Registry registry;
  const Experiment experiment = build_experiment(validate(document, registry), registry);
  Vector gradient(experiment.parameters->size());
  const auto step = [&] {
    gradient.setZero();
    Rng noise(1);
    return experiment.model->negative_log_likelihood(experiment.training_data, noise, gradient).nll;
  };
  Timing timing;
  timing.nll = step();  // warm-up: buffers grow to size
  timing.gradient = gradient;
  std::vector<double> ms;
  const SolveTotals before = solve_totals();
  const std::clock_t cpu_start = std::clock();
  for (int i = 0; i < iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    step();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  timing.cpu_ms = 1e3 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC / iterations;
  const SolveTotals after = solve_totals();
  std::sort(ms.begin(), ms.end());
  timing.median_ms = ms[ms.size() / 2];
  timing.min_ms = ms.front();
  timing.forward_nfe =
      static_cast<double>(after.forward.function_evaluations - before.forward.function_evaluations) / iterations;
  timing.backward_nfe =
      static_cast<double>(after.backward.function_evaluations - before.backward.function_evaluations) / iterations;
  return timing;
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_memory();  // as the liouville host does
  const int iterations = argc > 1 ? std::stoi(argv[1]) : 20;
  const std::string config = argc > 2 ? argv[2] : LIOUVILLE_SOURCE_DIR "/configs/ffjord_8gaussians.yaml";
  std::vector<std::string> gradients{"adjoint", "discrete"};
  std::vector<Index> batches{100, 512};
  if (argc > 4) {
    gradients = {argv[3]};
    batches = {std::stol(argv[4])};
  }
  std::printf("%s; %d iterations\n", config.c_str(), iterations);
  for (const std::string& gradient : gradients) {
    const char* gradient_method = gradient.c_str();
    for (const Index batch : batches) {
      const Timing one = time_iterations(config, gradient_method, 1, batch, iterations);
      const Timing two = time_iterations(config, gradient_method, 2, batch, iterations);
      for (const auto& [threads, timing] : {std::pair{1, one}, std::pair{2, two}})
        std::printf(
            "%-8s batch %4ld threads %d: %8.2f ms/iteration median (min %8.2f), CPU %8.2f ms; nfe forward %.1f "
            "backward %.1f\n",
            gradient_method, static_cast<long>(batch), threads, timing.median_ms, timing.min_ms, timing.cpu_ms,
            timing.forward_nfe, timing.backward_nfe);
      std::printf(
          "%-8s batch %4ld speed-up 2 vs 1 thread: %.2fx (median), %.2fx (min); target >= 1.8x: %s; NLL and "
          "gradient %s\n",
          gradient_method, static_cast<long>(batch), one.median_ms / two.median_ms, one.min_ms / two.min_ms,
          one.median_ms / two.median_ms >= 1.8 ? "met" : "missed",
          one.nll == two.nll && one.gradient == two.gradient ? "identical" : "DIFFER");
    }
  }
}
