// `liouville eval | sample | density TARGET`: commands on a trained model,
// rebuilt from its checkpoint alone.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "commands.hpp"
#include "density_grid.hpp"
#include "liouville/core/io/csv.hpp"
#include "liouville/core/io/npy.hpp"
#include "trained_model.hpp"

namespace liouville::host {
namespace {

struct MeanAndError {
  double mean = 0;
  double standard_error = 0;
};

MeanAndError mean_and_error(const Vector& values) {
  const double mean = values.mean();
  const double variance = (values.array() - mean).square().sum() / std::max<double>(1.0, values.size() - 1.0);
  return {mean, std::sqrt(variance / static_cast<double>(values.size()))};
}

std::filesystem::path output_folder(const TrainedModel& model) { return model.checkpoint.parent_path(); }

std::vector<double> to_std(const Vector& v) { return {v.data(), v.data() + v.size()}; }

std::vector<std::vector<double>> to_std(const Matrix& m) {
  std::vector<std::vector<double>> rows;
  for (Index i = 0; i < m.rows(); ++i) rows.push_back(to_std(Vector(m.row(i).transpose())));
  return rows;
}

// The mean and covariance of the density restricted to the grid: the cells' centres
// weighted by p, normalized by the grid's total mass (midpoint rule).
std::pair<Vector, Matrix> grid_moments(const Matrix& grid, const Vector& log_p) {
  const Vector p = (log_p.array() - log_p.maxCoeff()).exp();  // shifted: no underflow of every cell
  const Vector weight = p / p.sum();
  const Vector mean = grid * weight;
  const Matrix centered = grid.colwise() - mean;
  return {mean, centered * weight.asDiagonal() * centered.transpose()};
}

bool is_samples_file(const std::filesystem::path& path) {
  return path.extension() == ".csv" || path.extension() == ".npy";
}

// One row per sample, as NPY for a .npy file and as CSV otherwise.
std::string encode_samples(const Matrix& samples, const std::filesystem::path& path) {
  return path.extension() == ".npy" ? io::samples_to_npy(samples) : io::samples_to_csv(samples);
}

}  // namespace

int evaluate(const ModelArguments& arguments) {
  TrainedModel model;
  load_trained_model(arguments.target, model, arguments.threads);
  const Experiment& experiment = model.experiment;
  const Dataset& dataset = *experiment.dataset;
  Rng eval_rng = experiment.stream(Stream::kEvaluation);
  const long n = experiment.config.child("eval").get_int("n");
  const bool fresh = dataset.can_sample();
  const Matrix held_out = fresh ? dataset.sample(n, eval_rng) : experiment.training_data;
  Rng noise = eval_rng.split(1);
  const Vector log_p = experiment.model->log_density(held_out, noise);

  nlohmann::ordered_json result;
  const MeanAndError nll = mean_and_error(-log_p);
  result["nll"] = nll.mean;
  result["nll_standard_error"] = nll.standard_error;
  result["nll_points"] = held_out.cols();
  result["nll_data"] =
      fresh ? "fresh draws from the dataset" : "the training set (the dataset cannot draw fresh samples)";
  // NLL of the standardized data y = (x - mean) / scale: log p_y = log p_x - logdet.
  const double standardizing = experiment.standardization ? experiment.standardization->log_abs_det() : 0.0;
  if (experiment.standardization) result["nll_standardized"] = nll.mean + standardizing;
  if (experiment.validation_data.cols() > 0) {
    Rng validation_noise = eval_rng.split(3);
    const MeanAndError validation =
        mean_and_error(-experiment.model->log_density(experiment.validation_data, validation_noise));
    result["validation_nll"] = validation.mean;
    result["validation_nll_standard_error"] = validation.standard_error;
    if (experiment.standardization) result["validation_nll_standardized"] = validation.mean + standardizing;
  }
  if (dataset.has_log_density()) {
    Vector true_log_p(held_out.cols());
    dataset.log_density(held_out, true_log_p);
    const MeanAndError kl = mean_and_error(true_log_p - log_p);
    result["entropy"] = -true_log_p.mean();
    result["kl"] = kl.mean;
    result["kl_standard_error"] = kl.standard_error;
    // The seed's metric: Distances.totalvariation(learned_pdf, true_pdf) / N at the training points.
    const Matrix& train = experiment.training_data;
    Vector train_true(train.cols());
    dataset.log_density(train, train_true);
    Rng train_noise = eval_rng.split(2);
    const Vector train_model = experiment.model->log_density(train, train_noise);
    result["tv_seed_metric"] = 0.5 * (train_model.array().exp() - train_true.array().exp()).abs().sum() /
                               static_cast<double>(train.cols());
  }
  if (arguments.json) {
    std::cout << result.dump(2) << '\n';
    return kSuccess;
  }
  std::printf("held-out NLL: %.6f +- %.6f nats (%ld points: %s)\n", nll.mean, nll.standard_error,
              static_cast<long>(held_out.cols()), result["nll_data"].get<std::string>().c_str());
  if (experiment.standardization)
    std::printf("held-out NLL of the standardized data: %.6f nats\n", result["nll_standardized"].get<double>());
  if (result.contains("validation_nll")) {
    std::printf("validation NLL: %.6f +- %.6f nats (%ld points)\n", result["validation_nll"].get<double>(),
                result["validation_nll_standard_error"].get<double>(),
                static_cast<long>(experiment.validation_data.cols()));
    if (experiment.standardization)
      std::printf("validation NLL of the standardized data: %.6f nats\n",
                  result["validation_nll_standardized"].get<double>());
  }
  if (dataset.has_log_density()) {
    std::printf("entropy of the data distribution (optimum): %.6f nats\n", result["entropy"].get<double>());
    std::printf("KL(data || model): %.6f +- %.6f nats\n", result["kl"].get<double>(),
                result["kl_standard_error"].get<double>());
    std::printf("seed TV metric (half L1 of pdfs at the training points / N): %.6f\n",
                result["tv_seed_metric"].get<double>());
  }
  return kSuccess;
}

int sample(const ModelArguments& arguments, long n, const std::optional<std::filesystem::path>& out) {
  if (out && !is_samples_file(*out)) {
    std::cerr << "error: --out '" << out->string() << "': expected a .csv or .npy file name\n";
    return kBadInput;
  }
  TrainedModel model;
  load_trained_model(arguments.target, model, arguments.threads);
  Rng rng = model.experiment.stream(Stream::kSampling).split(static_cast<std::uint64_t>(n));
  const Matrix samples = model.experiment.model->sample(n, rng);
  const std::filesystem::path path =
      out.value_or(output_folder(model) / ("samples_" + std::to_string(n) + ".csv"));
  write_file_atomically(path, encode_samples(samples, path));
  const auto [mean, std_dev] = column_moments(samples);
  if (arguments.json) {
    nlohmann::ordered_json result{
        {"n", n}, {"mean", to_std(mean)}, {"std", to_std(std_dev)}, {"file", path.string()}};
    std::cout << result.dump(2) << '\n';
    return kSuccess;
  }
  std::printf("%ld samples -> %s\n", n, path.string().c_str());
  for (Index i = 0; i < mean.size(); ++i)
    std::printf("  x%ld: mean %.6f  std %.6f\n", static_cast<long>(i), mean[i], std_dev[i]);
  return kSuccess;
}

int density(const ModelArguments& arguments, long points, std::optional<std::vector<double>> range,
            const std::optional<std::filesystem::path>& out) {
  TrainedModel model;
  load_trained_model(arguments.target, model, arguments.threads);
  const Experiment& experiment = model.experiment;
  const Index dim = experiment.dataset->dim();
  if (dim > 2) {
    std::cerr << "error: density grids are for 1-D and 2-D models; this model has dimension " << dim << '\n';
    return kBadInput;
  }
  const DensityGrid box = make_density_grid(experiment.training_data, points, range);
  const Matrix& grid = box.points;
  const Index cells = grid.cols();
  const Vector& low = box.low;
  const Vector& high = box.high;
  Rng noise = experiment.stream(Stream::kDensity);
  const Vector log_p = experiment.model->log_density(grid, noise);
  const double mass = log_p.array().exp().sum() * box.cell_volume;
  const auto [grid_mean, grid_covariance] = grid_moments(grid, log_p);

  std::vector<std::string> columns;
  for (Index i = 0; i < dim; ++i) columns.push_back("x" + std::to_string(i));
  columns.push_back("log_density");
  Matrix table(dim + 1, cells);
  table << grid, log_p.transpose();
  const std::filesystem::path path = out.value_or(output_folder(model) / "density.csv");
  write_file_atomically(path, io::samples_to_csv(table, columns));
  if (arguments.json) {
    nlohmann::ordered_json result{{"points", points},          {"low", to_std(low)},
                                  {"high", to_std(high)},      {"mass", mass},
                                  {"mean", to_std(grid_mean)}, {"covariance", to_std(grid_covariance)},
                                  {"file", path.string()}};
    std::cout << result.dump(2) << '\n';
    return kSuccess;
  }
  std::printf("log-density on a %ld-point grid -> %s\ntotal mass on the grid: %.6f\n", static_cast<long>(cells),
              path.string().c_str(), mass);
  for (Index i = 0; i < dim; ++i) {
    std::printf("  x%ld: mean %.6f  covariance", static_cast<long>(i), grid_mean[i]);
    for (Index j = 0; j < dim; ++j) std::printf(" %.6f", grid_covariance(i, j));
    std::printf("\n");
  }
  return kSuccess;
}

}  // namespace liouville::host
