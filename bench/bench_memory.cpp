// Peak heap during one negative_log_likelihood (forward + backward) of a chain of
// K affine couplings, with model.memory store and recompute. Expected: store
// grows linearly in K (every layer's input and conditioner activations are
// kept), recompute stays flat (one layer's worth) at the price of one extra
// inverse and forward per layer. Prints figures; asserts nothing.
//
//   bench_memory [BATCH] [HIDDEN]
//
// Heap use is measured by replacing malloc and friends in this executable: Eigen
// allocates matrices with std::malloc, not operator new, and the plugins' calls
// resolve to these definitions too. Live bytes are malloc_usable_size totals.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "experiment.hpp"

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);
}

namespace {

std::atomic<std::size_t> live_bytes{0};
std::atomic<std::size_t> peak_bytes{0};

void* counted(void* pointer) {
  if (pointer == nullptr) return nullptr;
  const std::size_t live = live_bytes.fetch_add(malloc_usable_size(pointer)) + malloc_usable_size(pointer);
  std::size_t peak = peak_bytes.load();
  while (live > peak && !peak_bytes.compare_exchange_weak(peak, live)) {
  }
  return pointer;
}

void uncount(void* pointer) {
  if (pointer != nullptr) live_bytes.fetch_sub(malloc_usable_size(pointer));
}

}  // namespace

extern "C" {
void* malloc(std::size_t size) { return counted(__libc_malloc(size)); }
void* calloc(std::size_t count, std::size_t size) { return counted(__libc_calloc(count, size)); }
void* realloc(void* pointer, std::size_t size) {
  uncount(pointer);
  return counted(__libc_realloc(pointer, size));
}
void free(void* pointer) {
  uncount(pointer);
  __libc_free(pointer);
}
void* memalign(std::size_t alignment, std::size_t size) { return counted(__libc_memalign(alignment, size)); }
void* aligned_alloc(std::size_t alignment, std::size_t size) { return counted(__libc_memalign(alignment, size)); }
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  void* pointer = counted(__libc_memalign(alignment, size));
  if (pointer == nullptr) return ENOMEM;
  *out = pointer;
  return 0;
}
}

using namespace liouville;
using namespace liouville::host;

namespace {

constexpr int kDim = 8;

std::string chain_config(int depth, const std::string& memory, const std::string& hidden) {
  std::string zeros, ones;
  for (int i = 0; i < kDim; ++i) {
    zeros += std::string(i ? ", " : "") + "0.0";
    ones += std::string(i ? ", " : "") + "1.0";
  }
  std::string config = "data: {type: normal, mean: [" + zeros + "], std: [" + ones +
                       "], n: 16}\nmodel:\n  memory: " + memory + "\n  flow:\n";
  for (int k = 0; k < depth; ++k)
    config += "    - {type: affine_coupling, hidden: " + hidden + ", flip: " + (k % 2 ? "true" : "false") + "}\n";
  return config + "train: {stages: []}\n";
}

struct Figures {
  double peak_mib = 0;
  double milliseconds = 0;
};

Figures measure(int depth, const std::string& memory, Index batch, const std::string& hidden) {
  Registry registry;
  ConfigDocument document = ConfigDocument::from_string(chain_config(depth, memory, hidden), "bench_memory");
  const Experiment experiment = build_experiment(validate(document, registry), registry);
  Matrix x(kDim, batch);
  Rng(1).fill_normal(x);
  Vector theta_bar = Vector::Zero(experiment.parameters->size());
  Rng noise(2);
  const std::size_t before = live_bytes.load();
  peak_bytes.store(before);
  const auto start = std::chrono::steady_clock::now();
  experiment.model->negative_log_likelihood(x, noise, theta_bar);
  const auto stop = std::chrono::steady_clock::now();
  return {static_cast<double>(peak_bytes.load() - before) / (1 << 20),
          std::chrono::duration<double, std::milli>(stop - start).count()};
}

}  // namespace

int main(int argc, char** argv) {
  const Index batch = argc > 1 ? std::stol(argv[1]) : 4096;
  const std::string hidden = argc > 2 ? argv[2] : "[16, 16]";
  const double batch_mib = static_cast<double>(kDim * batch * sizeof(Scalar)) / (1 << 20);
  std::printf("peak heap above baseline during one negative_log_likelihood (forward + backward)\n");
  std::printf("K affine_coupling layers, dim %d, batch %ld, hidden %s (one dim x batch matrix = %.3f MiB)\n\n",
              kDim, static_cast<long>(batch), hidden.c_str(), batch_mib);
  std::printf("%4s  %14s  %18s  %10s  %14s\n", "K", "store (MiB)", "recompute (MiB)", "store (ms)",
              "recompute (ms)");
  for (int depth : {4, 8, 16, 32, 64}) {
    const Figures store = measure(depth, "store", batch, hidden);
    const Figures recompute = measure(depth, "recompute", batch, hidden);
    std::printf("%4d  %14.2f  %18.2f  %10.1f  %14.1f\n", depth, store.peak_mib, recompute.peak_mib,
                store.milliseconds, recompute.milliseconds);
  }
  return 0;
}
