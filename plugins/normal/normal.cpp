// A Gaussian with independent coordinates, N(mean, diag(std^2)): the simplest
// data set with an analytic density, for checking that a flow learns it.
#include <cmath>
#include <liouville/plugin.hpp>
#include <numbers>
#include <optional>
#include <string>

namespace liouville {

class NormalDataset final : public Dataset {
 public:
  static constexpr std::string_view kName = "normal";
  static constexpr std::string_view kSummary = "Independent Gaussian coordinates N(mean_i, std_i^2).";

  static void declare(Schema& schema) {
    schema.real_list("mean").required().min_size(1).doc("Mean of each coordinate; its length is the dimension.");
    schema.real_list("std").required().greater_than(0).doc("Standard deviation of each coordinate.");
    schema.integer("n").default_value(100).min(1).doc("Number of training samples.");
    schema.check([](const Params& params) -> std::optional<std::string> {
      const auto& mean = params.get_real_list("mean");
      const auto& deviations = params.get_real_list("std");
      if (mean.size() == deviations.size()) return std::nullopt;
      return "std has " + std::to_string(deviations.size()) + " values but mean has " +
             std::to_string(mean.size());
    });
  }

  NormalDataset(const Params& params, BuildContext&)
      : path_(params.path()),
        mean_(as_vector(params.get_real_list("mean"))),
        std_(as_vector(params.get_real_list("std"))),
        n_(params.get_int("n")) {}

  Index dim() const override { return mean_.size(); }

  Matrix training_data(Rng& rng) const override { return sample(n_, rng); }

  bool can_sample() const override { return true; }

  Matrix sample(Index n, Rng& rng) const override {
    if (n < 0) throw DataError(path_ + ": cannot draw " + std::to_string(n) + " samples");
    Matrix x(dim(), n);
    rng.fill_normal(x);
    x = (x.array().colwise() * std_.array()).colwise() + mean_.array();
    return x;
  }

  bool has_log_density() const override { return true; }

  // log p(x) = sum_i [-((x_i - m_i) / s_i)^2 / 2 - log s_i] - dim/2 log(2 pi)
  void log_density(ConstMatrixRef x, VectorRef log_p) const override {
    if (x.rows() != dim() || log_p.size() != x.cols())
      throw DataError(path_ + ": log_density of a " + std::to_string(x.rows()) + " x " + std::to_string(x.cols()) +
                      " batch into " + std::to_string(log_p.size()) + " values; the data dimension is " +
                      std::to_string(dim()));
    const Scalar constant = -std_.array().log().sum() - 0.5 * dim() * std::log(2 * std::numbers::pi);
    log_p = (-0.5 * ((x.colwise() - mean_).array().colwise() / std_.array()).square().colwise().sum().transpose())
                .matrix();
    log_p.array() += constant;
  }

 private:
  static Vector as_vector(const std::vector<double>& values) {
    return Eigen::Map<const Vector>(values.data(), static_cast<Index>(values.size()));
  }

  std::string path_;
  Vector mean_;
  Vector std_;
  Index n_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::NormalDataset)
