// The gnuplot scripts of a run's plots. Each script reads data files in its own
// folder (comma-separated, '#' header line) and writes NAME.png (pngcairo) and
// NAME.svg, so a user can restyle it and render it again with `gnuplot NAME.gp`
// inside RUN_DIR/plots (or `liouville plot RUN_DIR`).
#pragma once

#include <string>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville::host {

inline constexpr int kPlotWidth = 900;  // pixels of every PNG
inline constexpr int kPlotHeight = 600;

// Training loss per iteration over all stages (loss.csv: step, loss, half_sq_norm,
// logdet), the epochs' training and validation NLL (epochs.csv: step, train_nll
// [, val_nll]); dotted lines where a new stage starts.
std::string loss_script(bool has_validation, const std::vector<long>& stage_starts);

// Glow's two loss parts (seed 003): mean 0.5 |z|^2 and mean log-det, from loss.csv.
std::string loss_terms_script(const std::vector<long>& stage_starts);

// 1-D: learned pdf (density.csv: x, learned[, true]) over histograms of the data
// and of model samples (histogram.csv: centre, data, samples).
std::string density_1d_script(bool has_true_density, double bin_width, Index data_points);

// 2-D: a log-density heat map of density_2d.csv (x0, x1, learned[, true] with a
// blank line between rows of constant x1) for `column` 3 (learned) or 4 (true).
std::string density_2d_script(const std::string& name, int column, const Vector& low, const Vector& high);

// 2-D: model samples (samples.csv) over the data (data.csv).
std::string samples_2d_script(const Vector& low, const Vector& high);

// Points carried from the base to the data space (trajectories.csv: level, x0
// [, x1], one block per point); `labels` name the levels 0, 1, ...
std::string trajectories_script(Index dim, const std::vector<std::string>& labels);

}  // namespace liouville::host
