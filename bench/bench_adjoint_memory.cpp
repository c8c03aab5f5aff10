// Memory and accuracy of the two CNF gradient methods on the FFJORD 1-D seed
// (configs/ffjord_normal_1d.yaml, its 100 training points as one batch).
//
// 1. Peak heap bytes of one gradient evaluation (forward with tape + reverse
//    pass of the mean NLL), `discrete` against `adjoint`, with fixed-step tsit5,
//    dt = T / steps for steps = 10 ... 1000. The count is of the live heap above
//    its level before the evaluation. Every allocation is counted: global
//    operator new and Eigen's storage both end in malloc, which this program
//    interposes (glibc's __libc_* entry points do the work).
// 2. At the config's own (default) tolerances and at rtol = atol = 1e-10: the
//    gap between the adjoint and the discrete gradient, each one's error against
//    a reference (discrete at rtol = atol = 1e-13), backward steps and time
//    (the fastest of 5 evaluations).
// Prints figures; asserts nothing.
//
//   bench_adjoint_memory [CONFIG]
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "liouville/core/solve_counters.hpp"

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);
}

namespace {

std::atomic<long> live_bytes{0};
std::atomic<long> peak_bytes{0};

void count_allocation(void* pointer) {
  if (pointer == nullptr) return;
  const long now = live_bytes.fetch_add(static_cast<long>(malloc_usable_size(pointer))) +
                   static_cast<long>(malloc_usable_size(pointer));
  long peak = peak_bytes.load();
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now)) {
  }
}

void count_release(void* pointer) {
  if (pointer != nullptr) live_bytes.fetch_sub(static_cast<long>(malloc_usable_size(pointer)));
}

}  // namespace

extern "C" {
void* malloc(std::size_t size) {
  void* pointer = __libc_malloc(size);
  count_allocation(pointer);
  return pointer;
}
void* calloc(std::size_t count, std::size_t size) {
  void* pointer = __libc_calloc(count, size);
  count_allocation(pointer);
  return pointer;
}
void* realloc(void* old, std::size_t size) {
  const long old_bytes = old == nullptr ? 0 : static_cast<long>(malloc_usable_size(old));
  void* pointer = __libc_realloc(old, size);
  if (pointer != nullptr || size == 0) {
    live_bytes.fetch_sub(old_bytes);
    count_allocation(pointer);
  }
  return pointer;
}
void* memalign(std::size_t alignment, std::size_t size) {
  void* pointer = __libc_memalign(alignment, size);
  count_allocation(pointer);
  return pointer;
}
void* aligned_alloc(std::size_t alignment, std::size_t size) { return memalign(alignment, size); }
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  void* pointer = memalign(alignment, size);
  if (pointer == nullptr) return ENOMEM;
  *out = pointer;
  return 0;
}
void free(void* pointer) {
  count_release(pointer);
  __libc_free(pointer);
}
}

using namespace liouville;
using namespace liouville::host;

namespace {

struct Evaluation {
  Vector gradient;
  long peak_bytes = 0;  // above the live heap before the evaluation
  long backward_steps = 0;
  double milliseconds = 0;
};

constexpr int kRepetitions = 4;

template <class F>
double timed(F&& run) {
  const auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

class Bench {
 public:
  explicit Bench(std::string config) : config_(std::move(config)) {}

  // One gradient of the mean NLL on the training data, with `overrides` applied
  // to the config. A first evaluation warms the thread-local work buffers.
  Evaluation evaluate(const std::vector<std::string>& overrides) {
    ConfigDocument document = ConfigDocument::from_file(config_);
    for (const std::string& assignment : overrides) document.apply_override(assignment);
    const Experiment experiment = build_experiment(validate(document, registry_), registry_);
    Vector gradient = Vector::Zero(experiment.parameters->size());
    Rng noise = experiment.stream(Stream::kEvaluation);
    experiment.model->negative_log_likelihood(experiment.training_data, noise, gradient);

    Evaluation result;
    gradient.setZero();
    const long base = live_bytes.load();
    peak_bytes.store(base);
    const SolveTotals before = solve_totals();
    result.milliseconds =
        timed([&] { experiment.model->negative_log_likelihood(experiment.training_data, noise, gradient); });
    result.peak_bytes = peak_bytes.load() - base;
    result.backward_steps = solve_totals().backward.accepted_steps - before.backward.accepted_steps;
    // The fastest of a few more runs (the machine may be shared).
    for (int repetition = 0; repetition < kRepetitions; ++repetition) {
      Vector scratch = Vector::Zero(gradient.size());
      result.milliseconds = std::min(
          result.milliseconds,
          timed([&] { experiment.model->negative_log_likelihood(experiment.training_data, noise, scratch); }));
    }
    result.gradient = std::move(gradient);
    return result;
  }

 private:
  std::string config_;
  Registry registry_;
};

std::string gradient_override(const std::string& method) { return "model.flow[0].gradient=" + method; }

std::vector<std::string> tolerance_overrides(double tolerance) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1e", tolerance);
  return {std::string("model.flow[0].solver.rtol=") + text, std::string("model.flow[0].solver.atol=") + text};
}

double max_abs(const Vector& v) { return v.cwiseAbs().maxCoeff(); }

}  // namespace

int main(int argc, char** argv) {
  const std::string config = argc > 1 ? argv[1] : LIOUVILLE_SOURCE_DIR "/configs/ffjord_normal_1d.yaml";
  Bench bench(config);
  std::printf("%s: one gradient of the mean NLL over the training batch\n\n", config.c_str());

  std::printf("peak heap of one gradient evaluation, fixed-step tsit5, dt = T / steps\n");
  std::printf("%8s %16s %16s %12s %12s\n", "steps", "discrete bytes", "adjoint bytes", "discrete ms",
              "adjoint ms");
  for (const long steps : {10L, 30L, 100L, 300L, 1000L}) {
    char dt[64];  // the config's tspan is [0, 10]
    std::snprintf(dt, sizeof dt, "model.flow[0].solver.dt=%.17g", 10.0 / static_cast<double>(steps));
    const std::vector<std::string> fixed = {"model.flow[0].solver.adaptive=false", dt};
    auto with = [&](const std::string& method) {
      std::vector<std::string> overrides = fixed;
      overrides.push_back(gradient_override(method));
      return bench.evaluate(overrides);
    };
    const Evaluation discrete = with("discrete");
    const Evaluation adjoint = with("adjoint");
    std::printf("%8ld %16ld %16ld %12.3f %12.3f\n", steps, discrete.peak_bytes, adjoint.peak_bytes,
                discrete.milliseconds, adjoint.milliseconds);
  }

  std::vector<std::string> reference_overrides = tolerance_overrides(1e-13);
  reference_overrides.push_back(gradient_override("discrete"));
  const Vector reference = bench.evaluate(reference_overrides).gradient;
  std::printf(
      "\ngradient gaps (max abs over the %ld parameters; |reference|_inf = %.3e, the reference is discrete "
      "at rtol = atol = 1e-13)\n",
      static_cast<long>(reference.size()), max_abs(reference));
  std::printf("%-22s %-16s %12s %12s %12s %10s %10s\n", "tolerance", "method", "|g - disc|", "|g - ref|",
              "backward", "ms", "peak KiB");
  for (const bool tight : {false, true}) {
    const std::vector<std::string> tolerance = tight ? tolerance_overrides(1e-10) : std::vector<std::string>{};
    const char* label = tight ? "rtol = atol = 1e-10" : "config (1e-6 / 1e-8)";
    auto with = [&](const std::string& method, bool seminorm) {
      std::vector<std::string> overrides = tolerance;
      overrides.push_back(gradient_override(method));
      if (seminorm) overrides.push_back("model.flow[0].seminorm=true");
      return bench.evaluate(overrides);
    };
    const Evaluation discrete = with("discrete", false);
    for (const auto& [method, seminorm] :
         std::vector<std::pair<std::string, bool>>{{"discrete", false}, {"adjoint", false}, {"adjoint", true}}) {
      const Evaluation e = method == "discrete" ? discrete : with(method, seminorm);
      std::printf("%-22s %-16s %12.3e %12.3e %12ld %10.3f %10.1f\n", label,
                  (method + (seminorm ? " seminorm" : "")).c_str(), max_abs(e.gradient - discrete.gradient),
                  max_abs(e.gradient - reference), e.backward_steps, e.milliseconds, e.peak_bytes / 1024.0);
    }
  }
  return 0;
}
