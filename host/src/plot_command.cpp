// `liouville plot RUN_DIR`: renders the run's plots again from the data and
// scripts kept in RUN_DIR/plots (after a user restyled them), or recomputes
// them from the checkpoint when there are none or --recompute is given.
#include <filesystem>

#include "commands.hpp"
#include "plots/plots.hpp"

namespace liouville::host {

int plot(const std::filesystem::path& run, bool recompute) {
  const bool kept = std::filesystem::exists(run / "plots");
  const PlotOutcome outcome = recompute || !kept ? draw_plots(run) : render_plots(run);
  report_plots(outcome, run);
  return outcome.skipped.empty() && outcome.failures.empty() ? kSuccess : kRunFailure;
}

}  // namespace liouville::host
