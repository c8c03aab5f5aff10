// The plots of a run folder, drawn by gnuplot into RUN_DIR/plots/: every
// picture as PNG and SVG, with its data files and its .gp script beside it so a
// user can restyle and render it again.
//   loss, loss_terms   training curves (all models)
//   density            1-D: learned pdf, true pdf, histograms of data and samples
//   density_2d[_true]  2-D: log-density heat map, learned (and true)
//   samples            2-D: model samples over the data
//   trajectories       1-D and 2-D: base samples carried to the data space
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace liouville::host {

struct PlotOutcome {
  std::filesystem::path folder;       // RUN_DIR/plots
  std::vector<std::string> pictures;  // PNG files rendered (each with its SVG)
  std::string skipped;                // why nothing was rendered, e.g. gnuplot not found
  std::vector<std::string> failures;  // one message per script gnuplot failed on
};

// Recomputes every plot's data from the run's checkpoint and metrics, writes the
// scripts (replacing RUN_DIR/plots) and renders them.
PlotOutcome draw_plots(const std::filesystem::path& run);

// Renders the scripts kept in RUN_DIR/plots as they are (restyled or not).
// Throws DataError if there are none.
PlotOutcome render_plots(const std::filesystem::path& run);

// Prints what was drawn, skipped (to stdout) or failed (to stderr).
void report_plots(const PlotOutcome& outcome, const std::filesystem::path& run);

// For `train`: draws and reports; a plotting failure is reported, never thrown,
// so a finished training run stays a success.
void plot_after_training(const std::filesystem::path& run);

}  // namespace liouville::host
