#include "plots/plots.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "atomic_file.hpp"
#include "density_grid.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/io/csv.hpp"
#include "plots/flow_states.hpp"
#include "plots/gnuplot.hpp"
#include "plots/plot_scripts.hpp"
#include "trained_model.hpp"

namespace liouville::host {
namespace {

constexpr double kGnuplotSeconds = 120;  // per script
constexpr Index kScatterPoints = 5000;   // data and sample points drawn in 2-D
constexpr long kGridPoints1d = 400;
constexpr long kGridPoints2d = 150;
constexpr long kHistogramBins = 40;
constexpr int kCnfStops = 6;  // states per CNF layer in the trajectory plot

// Rows (one per column of `table`) under a '#' header line; a blank line after
// every `block` rows separates gnuplot's scans or curves (0: none).
std::string gnuplot_table(const std::vector<std::string>& names, const Matrix& table, Index block = 0) {
  std::string text = "#";
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += i ? ',' : ' ';
    text += names[i];
  }
  text += '\n';
  for (Index j = 0; j < table.cols(); ++j) {
    for (Index i = 0; i < table.rows(); ++i) {
      if (i > 0) text += ',';
      text += io::format_number(table(i, j));
    }
    text += '\n';
    if (block > 0 && (j + 1) % block == 0) text += '\n';
  }
  return text;
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream stream(line);
  for (std::string cell; std::getline(stream, cell, ',');) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

class PlotFolder {
 public:
  explicit PlotFolder(std::filesystem::path folder) : folder_(std::move(folder)) {}
  void write(const std::string& file, const std::string& text) const {
    write_file_atomically(folder_ / file, text);
  }

 private:
  std::filesystem::path folder_;
};

// loss.csv and epochs.csv from the run's metrics.csv (one row per iteration).
void write_loss_plots(const std::filesystem::path& run, const PlotFolder& plots) {
  std::ifstream metrics(run / "metrics.csv");
  std::string line;
  if (!metrics || !std::getline(metrics, line))
    throw DataError("no metrics in '" + (run / "metrics.csv").string() + "'");
  std::map<std::string, std::size_t> column;
  const std::vector<std::string> header = split_csv_line(line);
  for (std::size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  for (const char* name : {"stage", "loss", "half_sq_norm", "logdet", "train_nll", "val_nll"})
    if (!column.count(name))
      throw DataError("'" + (run / "metrics.csv").string() + "' has no column '" + name + "'");

  std::vector<std::vector<double>> loss, epochs;
  std::vector<long> stage_starts;
  bool has_validation = false;
  std::string stage;
  for (long step = 1; std::getline(metrics, line); ++step) {
    const std::vector<std::string> cells = split_csv_line(line);
    if (cells.size() != header.size())
      throw DataError("'" + (run / "metrics.csv").string() + "': row " + std::to_string(step) + " has " +
                      std::to_string(cells.size()) + " cells, the header " + std::to_string(header.size()));
    if (cells[column["stage"]] != stage) {
      stage = cells[column["stage"]];
      stage_starts.push_back(step);
    }
    const auto number = [&](const char* name) { return std::stod(cells[column[name]]); };
    loss.push_back({static_cast<double>(step), number("loss"), number("half_sq_norm"), number("logdet")});
    if (!cells[column["train_nll"]].empty()) {
      const bool validated = !cells[column["val_nll"]].empty();
      has_validation = has_validation || validated;
      epochs.push_back({static_cast<double>(step), number("train_nll"), validated ? number("val_nll") : 0.0});
    }
  }
  const auto to_matrix = [](const std::vector<std::vector<double>>& rows, Index width) {
    Matrix table(width, static_cast<Index>(rows.size()));
    for (Index j = 0; j < table.cols(); ++j)
      for (Index i = 0; i < width; ++i)
        table(i, j) = rows[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)];
    return table;
  };
  plots.write("loss.csv", gnuplot_table({"step", "loss", "half_sq_norm", "logdet"}, to_matrix(loss, 4)));
  plots.write("epochs.csv", has_validation ? gnuplot_table({"step", "train_nll", "val_nll"}, to_matrix(epochs, 3))
                                           : gnuplot_table({"step", "train_nll"}, to_matrix(epochs, 2)));
  plots.write("loss.gp", loss_script(has_validation, stage_starts));
  plots.write("loss_terms.gp", loss_terms_script(stage_starts));
}

// Histogram density (count / (n * width)) of `values` in `bins` equal bins of [low, high].
// Values outside, NaN among them, fall in no bin (the bin is found in double: casting an
// out-of-range or NaN double to an integer is undefined).
Vector histogram(const Matrix& values, double low, double high, long bins) {
  Vector density = Vector::Zero(bins);
  const double width = (high - low) / static_cast<double>(bins);
  for (Index j = 0; j < values.cols(); ++j) {
    const double bin = std::floor((values(0, j) - low) / width);
    if (bin >= 0 && bin < static_cast<double>(bins)) density[static_cast<Index>(bin)] += 1;
  }
  return density / (static_cast<double>(values.cols()) * width);
}

Matrix first_columns(const Matrix& points, Index n) { return points.leftCols(std::min(n, points.cols())); }

void write_density_1d(const Experiment& experiment, const Matrix& samples, const PlotFolder& plots) {
  const Matrix& data = experiment.training_data;
  const DensityGrid grid = make_density_grid(data, kGridPoints1d);
  Rng noise = experiment.stream(Stream::kDensity);
  const bool has_true = experiment.dataset->has_log_density();
  Matrix table(has_true ? 3 : 2, grid.points.cols());
  table.row(0) = grid.points.row(0);
  table.row(1) = experiment.model->log_density(grid.points, noise).array().exp().transpose();
  if (has_true) {
    Vector true_log_p(grid.points.cols());
    experiment.dataset->log_density(grid.points, true_log_p);
    table.row(2) = true_log_p.array().exp().transpose();
  }
  plots.write("density.csv", gnuplot_table(has_true ? std::vector<std::string>{"x", "learned", "true"}
                                                    : std::vector<std::string>{"x", "learned"},
                                           table));
  const double width = (grid.high[0] - grid.low[0]) / static_cast<double>(kHistogramBins);
  Matrix bars(3, kHistogramBins);
  for (long b = 0; b < kHistogramBins; ++b) bars(0, b) = grid.low[0] + (static_cast<double>(b) + 0.5) * width;
  bars.row(1) = histogram(data, grid.low[0], grid.high[0], kHistogramBins).transpose();
  bars.row(2) = histogram(samples, grid.low[0], grid.high[0], kHistogramBins).transpose();
  plots.write("histogram.csv", gnuplot_table({"centre", "data", "samples"}, bars));
  plots.write("density.gp", density_1d_script(has_true, width, data.cols()));
}

void write_density_2d(const Experiment& experiment, const Matrix& samples, const PlotFolder& plots) {
  const Matrix& data = experiment.training_data;
  const DensityGrid grid = make_density_grid(data, kGridPoints2d);
  Rng noise = experiment.stream(Stream::kDensity);
  const bool has_true = experiment.dataset->has_log_density();
  Matrix table(has_true ? 4 : 3, grid.points.cols());
  table.topRows(2) = grid.points;
  table.row(2) = experiment.model->log_density(grid.points, noise).transpose();
  if (has_true) {
    Vector true_log_p(grid.points.cols());
    experiment.dataset->log_density(grid.points, true_log_p);
    table.row(3) = true_log_p.transpose();
  }
  std::vector<std::string> names = {"x0", "x1", "learned"};
  if (has_true) names.emplace_back("true");
  plots.write("density_2d.csv", gnuplot_table(names, table, kGridPoints2d));
  plots.write("density_2d.gp", density_2d_script("density_2d", 3, grid.low, grid.high));
  if (has_true) plots.write("density_2d_true.gp", density_2d_script("density_2d_true", 4, grid.low, grid.high));
  plots.write("data.csv", gnuplot_table({"x0", "x1"}, first_columns(data, kScatterPoints)));
  plots.write("samples.csv", gnuplot_table({"x0", "x1"}, first_columns(samples, kScatterPoints)));
  plots.write("samples.gp", samples_2d_script(grid.low, grid.high));
}

void write_trajectories(const TrainedModel& model, const PlotFolder& plots) {
  const Index dim = model.experiment.model->dim();
  const FlowStates flow = carry_base_to_data(model, dim == 1 ? 60 : 300, kCnfStops);
  const auto levels = static_cast<Index>(flow.states.size());
  const Index n = flow.states.front().cols();
  Matrix table(dim + 1, n * levels);  // one block of `levels` rows per point
  for (Index j = 0; j < n; ++j)
    for (Index level = 0; level < levels; ++level) {
      table(0, j * levels + level) = static_cast<double>(level);
      table.block(1, j * levels + level, dim, 1) = flow.states[static_cast<std::size_t>(level)].col(j);
    }
  std::vector<std::string> names = {"level", "x0"};
  if (dim == 2) names.emplace_back("x1");
  plots.write("trajectories.csv", gnuplot_table(names, table, levels));
  plots.write("trajectories.gp", trajectories_script(dim, flow.labels));
}

Matrix run_samples(const std::filesystem::path& run, const Experiment& experiment) {
  const std::filesystem::path kept = run / "samples.csv";
  if (std::filesystem::exists(kept)) return io::read_csv(kept).samples;
  Rng sampling = experiment.stream(Stream::kSampling);
  return experiment.model->sample(experiment.config.child("eval").get_int("samples"), sampling);
}

std::vector<std::filesystem::path> scripts_in(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> scripts;
  if (std::filesystem::is_directory(folder))
    for (const auto& entry : std::filesystem::directory_iterator(folder))
      if (entry.path().extension() == ".gp") scripts.push_back(entry.path());
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

}  // namespace

PlotOutcome draw_plots(const std::filesystem::path& run) {
  TrainedModel model;
  load_trained_model(run, model);
  const Experiment& experiment = model.experiment;
  const std::filesystem::path folder = run / "plots";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  const PlotFolder plots(folder);
  write_loss_plots(run, plots);
  const Index dim = experiment.model->dim();
  if (dim <= 2) {
    const Matrix samples = run_samples(run, experiment);
    if (dim == 1) write_density_1d(experiment, samples, plots);
    if (dim == 2) write_density_2d(experiment, samples, plots);
    write_trajectories(model, plots);
  }
  return render_plots(run);
}

PlotOutcome render_plots(const std::filesystem::path& run) {
  PlotOutcome outcome{run / "plots", {}, {}, {}};
  const std::vector<std::filesystem::path> scripts = scripts_in(outcome.folder);
  if (scripts.empty()) throw DataError("no plot scripts (*.gp) in '" + outcome.folder.string() + "'");
  const std::optional<std::filesystem::path> gnuplot = find_on_path("gnuplot");
  if (!gnuplot) {
    outcome.skipped = "gnuplot not found on PATH";
    return outcome;
  }
  for (const auto& script : scripts) {
    const GnuplotRun result = run_gnuplot(*gnuplot, script, kGnuplotSeconds);
    if (result.ok)
      outcome.pictures.push_back(script.stem().string() + ".png");
    else
      outcome.failures.push_back(result.error);
  }
  return outcome;
}

void report_plots(const PlotOutcome& outcome, const std::filesystem::path& run) {
  if (!outcome.skipped.empty()) {
    std::printf(
        "plots skipped: %s (their data and gnuplot scripts are in %s; install gnuplot, e.g. Debian's "
        "gnuplot-nox, then run 'liouville plot %s')\n",
        outcome.skipped.c_str(), outcome.folder.string().c_str(), run.string().c_str());
    return;
  }
  for (const std::string& failure : outcome.failures) std::fprintf(stderr, "plot failed: %s\n", failure.c_str());
  if (outcome.pictures.empty()) return;
  std::string names;
  for (const std::string& picture : outcome.pictures) {
    if (!names.empty()) names += ", ";
    names += picture;
  }
  std::printf("plots (PNG and SVG) -> %s: %s\n", outcome.folder.string().c_str(), names.c_str());
}

void plot_after_training(const std::filesystem::path& run) {
  try {
    report_plots(draw_plots(run), run);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "plot failed: %s\n", error.what());
  }
}

}  // namespace liouville::host
