#include "liouville/core/solve_counters.hpp"

#include <atomic>

namespace liouville {
namespace {

struct AtomicStats {
  std::atomic<long> function_evaluations{0};
  std::atomic<long> accepted_steps{0};
  std::atomic<long> rejected_steps{0};

  void add(const SolveStats& stats) {
    function_evaluations.fetch_add(stats.function_evaluations, std::memory_order_relaxed);
    accepted_steps.fetch_add(stats.accepted_steps, std::memory_order_relaxed);
    rejected_steps.fetch_add(stats.rejected_steps, std::memory_order_relaxed);
  }
  SolveStats load() const {
    return {function_evaluations.load(std::memory_order_relaxed), accepted_steps.load(std::memory_order_relaxed),
            rejected_steps.load(std::memory_order_relaxed)};
  }
};

AtomicStats forward_totals;
AtomicStats backward_totals;

}  // namespace

void add_forward_solve(const SolveStats& stats) { forward_totals.add(stats); }
void add_backward_solve(const SolveStats& stats) { backward_totals.add(stats); }
SolveTotals solve_totals() { return {forward_totals.load(), backward_totals.load()}; }

}  // namespace liouville
