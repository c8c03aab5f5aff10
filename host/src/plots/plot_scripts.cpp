#include "plots/plot_scripts.hpp"

#include <sstream>

#include "liouville/core/io/csv.hpp"

namespace liouville::host {
namespace {

// Header and PNG terminal; the script's plot commands follow, then `footer`.
std::string header(const std::string& name, const std::string& title) {
  std::ostringstream text;
  text << "# " << title << "\n"
       << "# Re-render in this folder with: gnuplot " << name << ".gp   (or: liouville plot RUN_DIR)\n"
       << "set datafile separator ','\n"
       << "set terminal pngcairo noenhanced size " << kPlotWidth << ',' << kPlotHeight << " font ',11'\n"
       << "set output '" << name << ".png'\n"
       << "set title '" << title << "'\n";
  return text.str();
}

// Switches the output to the SVG file of the same picture.
std::string svg_terminal(const std::string& name) {
  std::ostringstream text;
  text << "set terminal svg noenhanced size " << kPlotWidth << ',' << kPlotHeight << " font ',11'\n"
       << "set output '" << name << ".svg'\n";
  return text.str();
}

// The same picture as SVG.
std::string footer(const std::string& name) { return svg_terminal(name) + "replot\n"; }

std::string stage_marks(const std::vector<long>& stage_starts) {
  std::ostringstream text;
  for (std::size_t s = 1; s < stage_starts.size(); ++s)
    text << "set arrow from " << stage_starts[s] << ", graph 0 to " << stage_starts[s]
         << ", graph 1 nohead dt 3 lc rgb '#888888'\n";
  return text.str();
}

// The grid's box in data units, x1 upwards; equal scales unless one side is
// more than three times the other (a long banana would become a thin strip).
std::string box(const Vector& low, const Vector& high) {
  using io::format_number;
  const double aspect = (high[1] - low[1]) / (high[0] - low[0]);
  return "set xrange [" + format_number(low[0]) + ':' + format_number(high[0]) + "]\nset yrange [" +
         format_number(low[1]) + ':' + format_number(high[1]) + "]\n" +
         (aspect > 1.0 / 3 && aspect < 3 ? "set size ratio -1\n" : "") + "set xlabel 'x0'\nset ylabel 'x1'\n";
}

// A perceptually uniform palette (viridis' end and mid points).
constexpr const char* kPalette =
    "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n";

}  // namespace

std::string loss_script(bool has_validation, const std::vector<long>& stage_starts) {
  std::string text = header("loss", "Training loss");
  text += stage_marks(stage_starts);
  text +=
      "set xlabel 'iteration (all stages)'\nset ylabel 'nats'\nset grid\nset key top right\n"
      "plot 'loss.csv' using 1:2 with lines lw 1 lc rgb '#9db7dd' title 'loss (per iteration)', \\\n"
      "     'epochs.csv' using 1:2 with lines lw 2 lc rgb '#1f4e9a' title 'train NLL (per epoch)'";
  if (has_validation)
    text +=
        ", \\\n     'epochs.csv' using 1:3 with lines lw 2 lc rgb '#d04020' title 'validation NLL (per epoch)'";
  return text + "\n" + footer("loss");
}

std::string loss_terms_script(const std::vector<long>& stage_starts) {
  std::string text = header("loss_terms", "Loss parts: NLL = 0.5*|z|^2 + (d/2) log(2 pi) - logdet");
  text += stage_marks(stage_starts);
  text +=
      "set xlabel 'iteration (all stages)'\nset ylabel 'nats (batch mean)'\nset grid\nset key top right\n"
      "plot 'loss.csv' using 1:3 with lines lw 1.5 lc rgb '#1f4e9a' title '0.5*|z|^2', \\\n"
      "     'loss.csv' using 1:4 with lines lw 1.5 lc rgb '#d04020' title 'log|det dz/dx|'\n";
  return text + footer("loss_terms");
}

std::string density_1d_script(bool has_true_density, double bin_width, Index data_points) {
  std::string text = header("density", "Learned density, data and model samples");
  text +=
      "set xlabel 'x'\nset ylabel 'density'\nset key top right\nset style fill transparent solid 0.35 noborder\n";
  text += "set boxwidth " + io::format_number(bin_width) + " absolute\n";
  text += "plot 'histogram.csv' using 1:2 with boxes lc rgb '#f0a050' title 'data (" +
          std::to_string(data_points) +
          " points)', \\\n"
          "     'histogram.csv' using 1:3 with histeps lw 1.5 lc rgb '#40a040' title 'model samples', \\\n"
          "     'density.csv' using 1:2 with lines lw 2.5 lc rgb '#1f4e9a' title 'learned density'";
  if (has_true_density)
    text += ", \\\n     'density.csv' using 1:3 with lines lw 1.5 dt 2 lc rgb '#202020' title 'true density'";
  return text + "\n" + footer("density");
}

std::string density_2d_script(const std::string& name, int column, const Vector& low, const Vector& high) {
  std::string text = header(name, column == 3 ? "Learned log-density" : "True log-density");
  text += box(low, high) + kPalette;
  // Show the top 12 nats; lower values take the lowest colour.
  text += "stats 'density_2d.csv' using " + std::to_string(column) + " nooutput\n";
  text += "set cbrange [STATS_max - 12 : STATS_max]\nset cblabel 'log density'\n";
  text += "plot 'density_2d.csv' using 1:2:(($" + std::to_string(column) +
          ") < STATS_max - 12 ? STATS_max - 12 : $" + std::to_string(column) + ") with image notitle\n";
  return text + footer(name);
}

std::string samples_2d_script(const Vector& low, const Vector& high) {
  std::string text = header("samples", "Model samples over the data");
  text += box(low, high) + "set key top right\n";
  text +=
      "plot 'data.csv' using 1:2 with points pt 7 ps 0.3 lc rgb '#909090' title 'data', \\\n"
      "     'samples.csv' using 1:2 with points pt 7 ps 0.3 lc rgb '#d04020' title 'model samples'\n";
  return text + footer("samples");
}

std::string trajectories_script(Index dim, const std::vector<std::string>& labels) {
  const std::string title = "Base samples carried to the data space";
  if (dim == 1) {
    std::string tics;
    for (std::size_t level = 0; level < labels.size(); ++level)
      tics += (level ? ", '" : "'") + labels[level] + "' " + std::to_string(level);
    return header("trajectories", title) + "set xtics (" + tics +
           ") rotate by -30\nset xlabel 'step of the inverse flow'\nset ylabel 'x'\n"
           "plot 'trajectories.csv' using 1:2 with lines lw 1 lc rgb '#601f4e9a' notitle\n" +
           footer("trajectories");
  }
  // Small multiples: one panel per level (column 1 of the data), base to data,
  // coloured along the palette. Multiplots cannot `replot`, so the panels are
  // drawn once per terminal.
  const std::size_t levels = labels.size();
  const std::size_t rows = levels <= 4 ? 1 : 2;
  const std::size_t cols = (levels + rows - 1) / rows;
  std::string panels = kPalette;
  panels += "set multiplot layout " + std::to_string(rows) + "," + std::to_string(cols) + " title '" + title +
            "'\nunset colorbox\nset size ratio -1\nset tics font ',8'\n";
  for (std::size_t level = 0; level < levels; ++level) {
    const std::string fraction = io::format_number(levels > 1 ? double(level) / double(levels - 1) : 0.0);
    panels += "set title '" + labels[level] + "'\nplot 'trajectories.csv' using ($1 == " + std::to_string(level) +
              " ? $2 : NaN):3 with points pt 7 ps 0.3 lc palette frac " + fraction + " notitle\n";
  }
  panels += "unset multiplot\n";
  return header("trajectories", title) + panels + svg_terminal("trajectories") + panels;
}

}  // namespace liouville::host
