// The gradient of the whole training loss of the FFJORD 1-D seed pipeline (the
// config a user runs: normal data, standard normal base, ffjord with mlp, tsit5
// and the exact trace), with discrete and adjoint gradients, against finite
// differences.
#include <doctest/doctest.h>

#include "experiment.hpp"
#include "liouville/testing/gradient_check.hpp"

using namespace liouville;
using namespace liouville::host;

namespace {

void check_nll_gradient(const std::vector<std::string>& overrides, double tolerance) {
  ConfigDocument document = ConfigDocument::from_file(LIOUVILLE_SOURCE_DIR "/configs/ffjord_normal_1d.yaml");
  for (const std::string& assignment : overrides) document.apply_override(assignment);
  Registry registry;
  const Experiment experiment = build_experiment(validate(document, registry), registry);
  const Matrix& data = experiment.training_data;
  auto nll = [&](const Vector& theta) {
    experiment.parameters->values() = theta;
    Vector ignored = Vector::Zero(theta.size());
    Rng noise(0);
    return experiment.model->negative_log_likelihood(data, noise, ignored).nll;
  };
  const Vector theta = experiment.parameters->values();
  REQUIRE(theta.size() == 10);
  Vector gradient = Vector::Zero(theta.size());
  Rng noise(0);
  experiment.model->negative_log_likelihood(data, noise, gradient);
  const auto check = testing::check_gradient(nll, theta, gradient, 1e-5);
  CHECK_MESSAGE(check.max_relative_error <= tolerance, check.report());
  Vector direction(theta.size());
  Rng(4).fill_normal(direction);
  const auto taylor = testing::taylor_test(nll, theta, gradient, direction.normalized(), 1e-2);
  CHECK_MESSAGE(taylor.passes(), taylor.report());
}

}  // namespace

TEST_CASE("the NLL gradient of the seed pipeline matches finite differences (fixed-step tsit5)") {
  check_nll_gradient({"model.flow[0].solver={type: tsit5, adaptive: false, dt: 0.05}"}, 1e-6);
}

TEST_CASE("the NLL gradient of the seed pipeline matches finite differences (adaptive tsit5, tight tolerance)") {
  check_nll_gradient({"model.flow[0].solver.rtol=1e-12", "model.flow[0].solver.atol=1e-12"}, 1e-6);
}

TEST_CASE(
    "the NLL gradient of the seed pipeline matches finite differences (gradient: adjoint, tight tolerance)") {
  check_nll_gradient(
      {"model.flow[0].gradient=adjoint", "model.flow[0].solver.rtol=1e-12", "model.flow[0].solver.atol=1e-12"},
      1e-6);
}
