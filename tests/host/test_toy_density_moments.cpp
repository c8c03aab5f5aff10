// A short run of configs/ffjord_8gaussians.yaml: the density grid of the trained CNF
// holds unit mass, and the mean and covariance of samples drawn by integrating the
// flow backwards match those of its density grid within 3 standard errors. The two
// come from opposite directions of the ODE, so they agree only if sampling inverts
// the density's flow and the log-determinant is right.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "liouville/core/io/csv.hpp"

using namespace liouville::test;
using liouville::Index;
using liouville::Matrix;
using liouville::Vector;

namespace {

const std::string kConfig = LIOUVILLE_SOURCE_DIR "/configs/ffjord_8gaussians.yaml";
constexpr Index kSamples = 20000;

Vector json_vector(const nlohmann::json& values) {
  Vector v(static_cast<Index>(values.size()));
  for (Index i = 0; i < v.size(); ++i) v[i] = values[static_cast<std::size_t>(i)].get<double>();
  return v;
}

Matrix json_matrix(const nlohmann::json& rows) {
  Matrix m(static_cast<Index>(rows.size()), static_cast<Index>(rows.size()));
  for (Index i = 0; i < m.rows(); ++i) m.row(i) = json_vector(rows[static_cast<std::size_t>(i)]).transpose();
  return m;
}

}  // namespace

TEST_CASE("ffjord_8gaussians, briefly trained: grid mass 1 and sample moments match the grid's") {
  const auto run = scratch("toy_density_moments");
  const Result train = run_cli("train '" + kConfig + "' --out '" + run.string() +
                               "' --set data.n=1000 --set train.stages[0].iterations=15 --set train.log_every=5"
                               " --set eval.n=200 --set eval.samples=100");
  REQUIRE_MESSAGE(train.code == 0, train.err);

  const Result density = run_cli("density '" + run.string() + "' --points 200 --json");
  REQUIRE_MESSAGE(density.code == 0, density.err);
  const auto grid = nlohmann::json::parse(density.out);
  CHECK(std::abs(grid["mass"].get<double>() - 1) < 1e-2);
  const Vector grid_mean = json_vector(grid["mean"]);
  const Matrix grid_covariance = json_matrix(grid["covariance"]);
  REQUIRE(grid_mean.size() == 2);

  // The reported moments are those of the grid in density.csv, weighted by p.
  const Matrix table = liouville::io::read_csv(grid["file"].get<std::string>()).samples;
  REQUIRE(table.rows() == 3);
  REQUIRE(table.cols() == 200 * 200);
  const Vector p = table.row(2).array().exp().transpose();
  const Vector weight = p / p.sum();
  const Matrix cells = table.topRows(2);
  const Vector mean_from_file = cells * weight;
  const Matrix centred_cells = cells.colwise() - mean_from_file;
  CHECK((mean_from_file - grid_mean).cwiseAbs().maxCoeff() < 1e-9);
  CHECK((centred_cells * weight.asDiagonal() * centred_cells.transpose() - grid_covariance).cwiseAbs().maxCoeff() <
        1e-9);

  const auto samples_file = run / "samples_moments.csv";
  const Result sample = run_cli("sample '" + run.string() + "' --n " + std::to_string(kSamples) + " --out '" +
                                samples_file.string() + "'");
  REQUIRE_MESSAGE(sample.code == 0, sample.err);
  const Matrix x = liouville::io::read_csv(samples_file).samples;
  REQUIRE(x.cols() == kSamples);
  const double n = static_cast<double>(kSamples);
  const Vector mean = x.rowwise().mean();
  const Matrix centred = x.colwise() - mean;
  for (Index i = 0; i < 2; ++i) {
    CAPTURE(i);
    const double variance = centred.row(i).squaredNorm() / (n - 1);
    CHECK(std::abs(mean[i] - grid_mean[i]) < 3 * std::sqrt(variance / n));
    for (Index j = 0; j <= i; ++j) {
      CAPTURE(j);
      // The covariance entry is the mean of d_i d_j; its standard error is that of a mean.
      const Eigen::ArrayXd products = (centred.row(i).array() * centred.row(j).array()).transpose();
      const double covariance = products.sum() / (n - 1);
      const double products_variance = (products - products.mean()).square().sum() / (n - 1);
      CHECK(std::abs(covariance - grid_covariance(i, j)) < 3 * std::sqrt(products_variance / n));
    }
  }
}
