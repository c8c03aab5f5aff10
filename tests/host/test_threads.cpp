// The top-level `threads` setting: the NLL and its gradient of an FFJORD model
// on 8 Gaussians are bit-identical on 1, 2 and 3 threads (a batch of 70 in chunks
// of at most 24 columns is three chunks, not a multiple of 2; this small model
// would not be split automatically), for the discrete and the adjoint gradient with
// the exact trace and Hutchinson's; a negative count is a config error.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "experiment.hpp"

using namespace liouville;
using namespace liouville::host;

namespace {

const char* const kConfig = R"(liouville: 1
seed: 3
data: {type: 8gaussians, n: 70}
model:
  flow:
    - type: ffjord
      tspan: [0.0, 0.5]
      vector_field: {type: mlp, hidden: [16, 16], activation: softplus, output_activation: identity,
                     time_input: concatsquash}
      solver: {type: dopri5, rtol: 1.0e-5, atol: 1.0e-5}
      trace: {type: exact}
      chunk_columns: 24
train:
  stages:
    - {optimizer: {type: adam}, iterations: 1}
)";

struct Evaluation {
  Scalar nll = 0;
  Vector gradient;
};

Evaluation evaluate(const std::vector<std::string>& overrides, long threads) {
  ConfigDocument document = ConfigDocument::from_string(kConfig, "threads.yaml");
  for (const std::string& assignment : overrides) document.apply_override(assignment);
  document.apply_override("threads=" + std::to_string(threads));
  Registry registry;
  const Experiment experiment = build_experiment(validate(document, registry), registry);
  Evaluation evaluation;
  evaluation.gradient = Vector::Zero(experiment.parameters->size());
  Rng noise(11);
  evaluation.nll =
      experiment.model->negative_log_likelihood(experiment.training_data, noise, evaluation.gradient).nll;
  return evaluation;
}

void check_thread_independence(const std::vector<std::string>& overrides) {
  const Evaluation one = evaluate(overrides, 1);
  REQUIRE(one.gradient.size() > 0);
  CHECK(one.gradient.norm() > 0);
  for (const long threads : {2L, 3L}) {
    const Evaluation many = evaluate(overrides, threads);
    CHECK(many.nll == one.nll);
    CHECK(many.gradient == one.gradient);
  }
}

}  // namespace

TEST_CASE("ffjord NLL and gradient are bit-identical on 1, 2 and 3 threads (discrete, exact trace)") {
  check_thread_independence({});
}

TEST_CASE("ffjord NLL and gradient are bit-identical on 1, 2 and 3 threads (discrete, hutchinson)") {
  check_thread_independence({"model.flow[0].trace={type: hutchinson}"});
}

TEST_CASE("ffjord NLL and gradient are bit-identical on 1, 2 and 3 threads (adjoint, exact trace)") {
  check_thread_independence({"model.flow[0].gradient=adjoint"});
}

TEST_CASE("with automatic chunks FFJORD's toy model is bit-identical on 1, 2 and 3 threads (adjoint)") {
  // 64-64-64 (9224 parameters) at a batch of 100: two chunks of 50.
  check_thread_independence({"data.n=100", "model.flow[0].chunk_columns=0", "model.flow[0].gradient=adjoint",
                             "model.flow[0].vector_field.hidden=[64, 64, 64]",
                             "model.flow[0].vector_field.activation=tanh"});
}

TEST_CASE("a negative thread count is a config error naming `threads`") {
  ConfigDocument document = ConfigDocument::from_string(kConfig, "threads.yaml");
  document.apply_override("threads=-2");
  Registry registry;
  CHECK_THROWS_WITH_AS(validate(document, registry), doctest::Contains("threads = -2 violates threads >= 0"),
                       ConfigError);
}
