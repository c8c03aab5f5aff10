// The FFJORD 1-D seed config trains with every registered ODE solver: a few Adam
// iterations with `solver: {type: NAME, adaptive: false, dt: 0.05}` (the seed's
// fixed step), and with adaptive dopri5 at its default tolerances.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "experiment.hpp"

using namespace liouville;
using namespace liouville::host;

namespace {

// The losses of 8 Adam iterations on the seed config with `solver` replaced.
std::vector<double> adam_losses(const std::string& solver) {
  ConfigDocument document = ConfigDocument::from_file(LIOUVILLE_SOURCE_DIR "/configs/ffjord_normal_1d.yaml");
  document.apply_override("model.flow[0].solver=" + solver);
  document.apply_override("train.stages=[{optimizer: {type: adam, learning_rate: 0.05}, iterations: 8}]");
  Registry registry;
  Experiment experiment = build_experiment(validate(document, registry), registry);
  Trainer trainer(*experiment.model, *experiment.parameters, experiment.training_data, experiment.seed);
  std::vector<double> losses;
  trainer.run_stage(0, experiment.stages.front(), [&](const IterationRecord& record) {
    losses.push_back(record.loss);
    CHECK(record.function_evaluations > 0);
  });
  return losses;
}

void check_training(const std::vector<double>& losses) {
  REQUIRE(losses.size() == 8);
  for (const double loss : losses) CHECK(std::isfinite(loss));
  CHECK(losses.back() < losses.front() - 0.01);
}

}  // namespace

TEST_CASE("ffjord trains with every registered solver at the seed's fixed step") {
  Registry registry;
  registry.load_search_path({LIOUVILLE_TEST_PLUGIN_DIR});
  const std::vector<std::string> names = registry.names(ODESolver::kInterface);
  CHECK(names.size() >= 8);
  std::vector<double> first_losses;
  for (const std::string& name : names) {
    CAPTURE(name);
    const std::vector<double> losses = adam_losses("{type: " + name + ", adaptive: false, dt: 0.05}");
    check_training(losses);
    if (!losses.empty()) first_losses.push_back(losses.front());
  }
  // The same initial parameters: every method of order >= 2 agrees on the first loss
  // to its discretization error; even explicit Euler at dt = 0.05 is within 1%.
  for (const double loss : first_losses) CHECK(loss == doctest::Approx(first_losses.front()).epsilon(0.01));
}

TEST_CASE("ffjord trains with adaptive dopri5 and adaptive dopri8") {
  for (const std::string solver : {"{type: dopri5}", "{type: dopri8, rtol: 1.0e-8, atol: 1.0e-10}"}) {
    CAPTURE(solver);
    check_training(adam_losses(solver));
  }
}
