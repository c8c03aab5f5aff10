// `liouville` with data files: training on CSV files, evaluating on the
// held-out file, sampling to CSV and NPY, and a malformed file named with its
// line and column.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>

#include "cli_support.hpp"
#include "liouville/core/io/csv.hpp"
#include "liouville/core/io/npy.hpp"
#include "liouville/core/rng.hpp"

using namespace liouville::test;

TEST_CASE("train on CSV files, evaluate on the held-out file, sample to CSV and NPY") {
  // A 2-D Gaussian, N((1, -2), diag(0.5^2, 2^2)): 200 training rows and 100 held-out rows.
  const auto folder = scratch("csv_data");
  liouville::Matrix train(2, 200), test(2, 100);
  liouville::Rng(7).fill_normal(train);
  liouville::Rng(8).fill_normal(test);
  for (liouville::Matrix* x : {&train, &test}) {
    x->row(0) = (1 + 0.5 * x->row(0).array()).matrix();
    x->row(1) = (-2 + 2 * x->row(1).array()).matrix();
  }
  std::ofstream(folder / "train.csv") << liouville::io::samples_to_csv(train);
  std::ofstream(folder / "test.csv") << liouville::io::samples_to_csv(test);
  // actnorm alone is an affine map, so L-BFGS finds the Gaussian fit of the training rows.
  const auto config =
      write_config("csv_data.yaml", "liouville: 1\ndata: {type: csv, path: '" + (folder / "train.csv").string() +
                                        "', test_path: '" + (folder / "test.csv").string() + R"('}
model:
  flow: [{type: actnorm, data_init: false}]
train:
  stages: [{optimizer: {type: lbfgs}, iterations: 500}]
eval: {n: 100, samples: 100}
)");
  const auto run_folder = folder / "run";
  const Result trained = run_cli("train '" + config.string() + "' --out '" + run_folder.string() + "'");
  REQUIRE_MESSAGE(trained.code == 0, trained.err);

  const Result eval = run_cli("eval '" + run_folder.string() + "' --json");
  REQUIRE_MESSAGE(eval.code == 0, eval.err);
  const auto metrics = nlohmann::json::parse(eval.out);
  CHECK(metrics["nll_points"].get<long>() == 100);
  CHECK(metrics["nll_data"].get<std::string>() == "fresh draws from the dataset");
  // The NLL of the held-out rows under the maximum-likelihood Gaussian of the training rows.
  const liouville::Vector mean = train.rowwise().mean();
  const liouville::Vector std_dev = ((train.colwise() - mean).array().square().rowwise().mean()).sqrt();
  const double expected =
      (((test.colwise() - mean).array().colwise() / std_dev.array()).square().colwise().sum() / 2).mean() +
      std_dev.array().log().sum() + std::log(2 * std::numbers::pi);
  CHECK(metrics["nll"].get<double>() == doctest::Approx(expected).epsilon(1e-6));

  const Result to_npy =
      run_cli("sample '" + run_folder.string() + "' --n 50 --out '" + (folder / "s.npy").string() + "'");
  REQUIRE_MESSAGE(to_npy.code == 0, to_npy.err);
  const Result to_csv =
      run_cli("sample '" + run_folder.string() + "' --n 50 --out '" + (folder / "s.csv").string() + "'");
  REQUIRE_MESSAGE(to_csv.code == 0, to_csv.err);
  const liouville::Matrix from_npy = liouville::io::read_npy(folder / "s.npy");
  CHECK(from_npy.rows() == 2);
  CHECK(from_npy.cols() == 50);
  CHECK(from_npy == liouville::io::read_csv(folder / "s.csv").samples);  // the same draws, exactly

  const Result unknown =
      run_cli("sample '" + run_folder.string() + "' --out '" + (folder / "s.txt").string() + "'");
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("expected a .csv or .npy file name") != std::string::npos);

  std::ofstream(folder / "bad.csv") << "x0,x1\n1,2\n3,oops\n";
  const Result bad = run_cli("train '" + config.string() + "' --out '" + (folder / "bad_run").string() +
                             "' --set data.path=" + (folder / "bad.csv").string());
  CHECK(bad.code == 2);
  CHECK_MESSAGE(bad.err.find("bad.csv:3:3: expected a number, found 'oops'") != std::string::npos, bad.err);
}
