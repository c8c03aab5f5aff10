// Plots drawn by gnuplot after `train` and by `liouville plot`: every PNG exists,
// has the expected pixel size and is not blank; restyled scripts are rendered as
// they are; without gnuplot training still succeeds and says why plots were
// skipped. And the progress display on a terminal and in a log.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>

#include "cli_support.hpp"
#include "plots/gnuplot.hpp"
#include "plots/plot_scripts.hpp"
#include "progress.hpp"

using namespace liouville::test;
namespace fs = std::filesystem;

namespace {

const std::string kConfig1d = R"(liouville: 1
seed: 1
data: {type: normal, mean: [6.0], std: [0.7], n: 100}
model:
  flow:
    - type: ffjord
      tspan: [0.0, 10.0]
      vector_field: {type: mlp, hidden: [3], activation: tanh, output_activation: tanh}
      solver: {type: tsit5, rtol: 1.0e-6, atol: 1.0e-8}
train:
  log_every: 5
  stages: [{optimizer: {type: adam, learning_rate: 0.05}, iterations: 20}]
eval: {n: 1000, samples: 2000}
)";

const std::string kConfig2d = R"(liouville: 1
seed: 2
data: {type: banana, n: 2000}
model:
  standardize: true
  flow: [{type: planar}, {type: planar}, {type: planar}]
train:
  batch_size: 200
  validation_fraction: 0.2
  log_every: 1000
  stages: [{optimizer: {type: adam, learning_rate: 1.0e-2}, epochs: 5}]
eval: {n: 1000, samples: 2000}
)";

struct PngSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

std::uint32_t big_endian(const unsigned char* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) |
         std::uint32_t{bytes[3]};
}

// The pixel size from the PNG's first chunk, IHDR (PNG spec, section 11.2.2).
PngSize png_size(const fs::path& path) {
  std::array<unsigned char, 24> head{};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(head.data()), head.size());
  const std::array<unsigned char, 8> signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  REQUIRE_MESSAGE(in.gcount() == 24, path.string());
  REQUIRE_MESSAGE(std::equal(signature.begin(), signature.end(), head.begin()), (path.string() + " is not a PNG"));
  REQUIRE(std::string(head.begin() + 12, head.begin() + 16) == "IHDR");
  return {big_endian(head.data() + 16), big_endian(head.data() + 20)};
}

// The size in bytes of an empty frame (title, axes, tics, no data) of the same
// size, rendered by the same gnuplot: a picture that plotted nothing compresses
// to about this.
std::uintmax_t blank_png_bytes() {
  static const std::uintmax_t bytes =
      [] {
        const fs::path folder = scratch("plots_blank");
        std::ofstream(folder / "blank.gp")
            << "set terminal pngcairo noenhanced size " << liouville::host::kPlotWidth << ','
            << liouville::host::kPlotHeight
            << " font ',11'\nset output 'blank.png'\nset title 'Training loss'\n"
               "set xlabel 'x'\nset ylabel 'y'\nset grid\nplot [0:1][0:1] NaN notitle\n";
        const auto gnuplot = liouville::host::find_on_path("gnuplot");
        REQUIRE_MESSAGE(gnuplot, "these tests need gnuplot (scripts/setup.sh installs gnuplot-nox)");
        REQUIRE(liouville::host::run_gnuplot(*gnuplot, folder / "blank.gp", 60).ok);
        return fs::file_size(folder / "blank.png");
      }();
  return bytes;
}

// Exists as PNG and SVG, has the plot size, and drew something: the PNG holds
// clearly more than an empty frame and the SVG has drawn paths or an image.
void check_picture(const fs::path& plots, const std::string& name) {
  CAPTURE(name);
  const fs::path png = plots / (name + ".png");
  REQUIRE(fs::exists(png));
  REQUIRE(fs::exists(plots / (name + ".svg")));
  REQUIRE(fs::exists(plots / (name + ".gp")));
  const PngSize size = png_size(png);
  CHECK(size.width == static_cast<std::uint32_t>(liouville::host::kPlotWidth));
  CHECK(size.height == static_cast<std::uint32_t>(liouville::host::kPlotHeight));
  CHECK(fs::file_size(png) > blank_png_bytes() * 3 / 2);
  const std::string svg = slurp(plots / (name + ".svg"));
  CHECK((svg.find("<image") != std::string::npos || svg.find("<path") != std::string::npos));
}

long count_lines(const std::string& text, char first) {
  long count = 0;
  std::stringstream stream(text);
  for (std::string line; std::getline(stream, line);) count += !line.empty() && line.front() == first;
  return count;
}

fs::path train_run(const std::string& name, const std::string& config, const std::string& environment = "") {
  const fs::path run = scratch(name);
  const Result train = run_cli(
      "train '" + write_config(name + ".yaml", config).string() + "' --out '" + run.string() + "'", environment);
  REQUIRE_MESSAGE(train.code == 0, train.err);
  if (environment.empty()) {
    CHECK(train.out.find("plots (PNG and SVG) -> ") != std::string::npos);
    CHECK(train.err.find("plot failed") == std::string::npos);
  }
  return run;
}

}  // namespace

TEST_CASE("plots: a 1-D run draws loss curves, the density and CNF trajectories") {
  const fs::path run = train_run("plots_1d", kConfig1d);
  const fs::path plots = run / "plots";
  for (const char* name : {"loss", "loss_terms", "density", "trajectories"}) check_picture(plots, name);
  CHECK_FALSE(fs::exists(plots / "density_2d.png"));

  // The learned and true pdf on the grid, and the true one peaks near 6.
  const std::string density = slurp(plots / "density.csv");
  CHECK(density.rfind("# x,learned,true\n", 0) == 0);
  CHECK(count_lines(density, '#') == 1);
  // Trajectories: 60 points, each a block of 1 (base) + 6 CNF stops, base to data.
  const std::string trajectories = slurp(plots / "trajectories.csv");
  std::stringstream stream(trajectories);
  std::string line;
  std::getline(stream, line);
  long rows = 0;
  long blocks = 0;
  std::vector<double> first_block;
  while (std::getline(stream, line)) {
    if (line.empty()) {
      ++blocks;
      continue;
    }
    ++rows;
    if (blocks == 0) first_block.push_back(std::stod(line.substr(line.find(',') + 1)));
  }
  CHECK(blocks == 60);
  CHECK(rows == 60 * 7);
  REQUIRE(first_block.size() == 7);
  CHECK(first_block.front() != first_block.back());
  const std::string script = slurp(plots / "trajectories.gp");
  CHECK(script.find("'base' 0") != std::string::npos);
  CHECK(script.find("'flow[0] t=0' 6") != std::string::npos);
}

TEST_CASE("plots: a 2-D run draws heat maps in data units, samples over data and layer trajectories") {
  const fs::path run = train_run("plots_2d", kConfig2d);
  const fs::path plots = run / "plots";
  for (const char* name : {"loss", "loss_terms", "density_2d", "density_2d_true", "samples", "trajectories"})
    check_picture(plots, name);
  CHECK(slurp(plots / "loss.gp").find("validation NLL") != std::string::npos);
  CHECK(slurp(plots / "density_2d.gp").find("set cblabel 'log density'") != std::string::npos);

  // The grid: x0 varies within a scan of constant x1; 150 scans of 150 points.
  std::stringstream grid(slurp(plots / "density_2d.csv"));
  std::string line;
  std::getline(grid, line);
  CHECK(line == "# x0,x1,learned,true");
  std::vector<std::pair<double, double>> scan;
  long scans = 0;
  while (std::getline(grid, line)) {
    if (line.empty()) {
      ++scans;
      continue;
    }
    if (scans == 0) {
      const std::size_t comma = line.find(',');
      scan.emplace_back(std::stod(line.substr(0, comma)), std::stod(line.substr(comma + 1)));
    }
  }
  CHECK(scans == 150);
  REQUIRE(scan.size() == 150);
  for (std::size_t i = 1; i < scan.size(); ++i) {
    CHECK(scan[i].first > scan[i - 1].first);
    CHECK(scan[i].second == scan[0].second);
  }
  // One panel per level, in order: base, three planar layers, the standardization undone.
  const std::string script = slurp(plots / "trajectories.gp");
  std::size_t at = 0;
  for (const char* level : {"base", "flow[2] planar", "flow[1] planar", "flow[0] planar", "unstandardized"}) {
    CAPTURE(level);
    at = script.find("set title '" + std::string(level) + "'", at);
    CHECK(at != std::string::npos);
  }
}

TEST_CASE("plot: renders restyled scripts as they are, --recompute writes them again, failures are named") {
  const fs::path run = train_run("plots_again", kConfig1d);
  const fs::path plots = run / "plots";
  fs::remove(plots / "density.png");
  std::string script = slurp(plots / "loss.gp");
  const std::string title = "set title 'Training loss'";
  REQUIRE(script.find(title) != std::string::npos);
  script.replace(script.find(title), title.size(), "set title 'Restyled loss'");
  std::ofstream(plots / "loss.gp") << script;

  Result plot = run_cli("plot '" + run.string() + "'");
  REQUIRE_MESSAGE(plot.code == 0, plot.err);
  check_picture(plots, "density");
  CHECK(slurp(plots / "loss.svg").find("Restyled loss") != std::string::npos);

  plot = run_cli("plot '" + run.string() + "' --recompute");
  REQUIRE_MESSAGE(plot.code == 0, plot.err);
  CHECK(slurp(plots / "loss.svg").find("Restyled loss") == std::string::npos);
  check_picture(plots, "loss");

  std::ofstream(plots / "loss.gp") << "plot this is not gnuplot\n";
  plot = run_cli("plot '" + run.string() + "'");
  CHECK(plot.code == 1);
  CHECK(plot.err.find("plot failed: gnuplot loss.gp exited with status") != std::string::npos);
  check_picture(plots, "density");  // the other scripts still rendered

  plot = run_cli("plot '" + scratch("plots_no_run").string() + "'");
  CHECK(plot.code == 2);
  CHECK(plot.err.find("no checkpoint") != std::string::npos);
}

TEST_CASE("plots: without gnuplot on PATH training succeeds and says the plots were skipped") {
  const fs::path run = scratch("plots_no_gnuplot");
  const Result train =
      run_cli("train '" + write_config("no_gnuplot.yaml", kConfig1d).string() + "' --out '" + run.string() + "'",
              "PATH=/nonexistent");
  REQUIRE_MESSAGE(train.code == 0, train.err);
  CHECK(train.out.find("plots skipped: gnuplot not found on PATH") != std::string::npos);
  CHECK(fs::exists(run / "checkpoint.safetensors"));
  CHECK(fs::exists(run / "plots" / "density.gp"));
  CHECK(fs::exists(run / "plots" / "density.csv"));
  CHECK_FALSE(fs::exists(run / "plots" / "density.png"));

  const Result plot = run_cli("plot '" + run.string() + "'", "PATH=/nonexistent");
  CHECK(plot.code == 1);
  CHECK(plot.out.find("plots skipped: gnuplot not found on PATH") != std::string::npos);
  const Result rendered = run_cli("plot '" + run.string() + "'");
  REQUIRE_MESSAGE(rendered.code == 0, rendered.err);
  check_picture(run / "plots", "density");
}

namespace {

liouville::IterationRecord record(long iteration, double seconds) {
  liouville::IterationRecord r;
  r.stage_name = "adam";
  r.iteration = iteration;
  r.epoch = iteration;
  r.loss = 1.5;
  r.seconds = seconds;
  return r;
}

std::string progress_text(bool interactive) {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  liouville::host::Progress progress(file, interactive, 10, 1);
  for (long i = 1; i <= 40; ++i) progress.report(record(i, 0.25 * static_cast<double>(i)), 40);
  progress.end_line();
  std::string text(static_cast<std::size_t>(std::ftell(file)), '\0');
  std::rewind(file);
  REQUIRE(std::fread(text.data(), 1, text.size(), file) == text.size());
  std::fclose(file);
  return text;
}

}  // namespace

TEST_CASE("progress: one redrawn bar with ETA, loss and it/s on a terminal; plain lines in a log") {
  const std::string bar = progress_text(true);
  CHECK(bar.find('\r') != std::string::npos);
  CHECK(std::count(bar.begin(), bar.end(), '\n') == 1);  // one line, ended once
  CHECK(bar.back() == '\n');
  // 4 it/s: half way there are 20 iterations left, five seconds.
  CHECK(bar.find("[############............] 20/40  ETA 0:05  loss 1.500000  4.0 it/s") != std::string::npos);
  CHECK(bar.find("[########################] 40/40  ETA 0:00") != std::string::npos);

  const std::string log = progress_text(false);
  CHECK(log.find('\r') == std::string::npos);
  CHECK(std::count(log.begin(), log.end(), '\n') == 5);  // iterations 1, 10, 20, 30, 40
  CHECK(log.find("[1/1 adam] iter    20/40  loss 1.500000") != std::string::npos);
}
