// A stage interrupted at a checkpoint and resumed runs on exactly as it would have.
#include <doctest/doctest.h>

#include <optional>

#include "liouville/core/likelihood_objective.hpp"
#include "liouville/core/trainer.hpp"
#include "toy_components.hpp"

using namespace liouville;

namespace {

// Gradient descent with heavy-ball momentum, v <- mu v + g, theta <- theta - step v,
// reporting v as its state.
class MomentumDescent final : public Optimizer {
 public:
  OptimizerNeeds needs() const override { return {false, false, true}; }
  OptimizeResult minimize(Objective& objective, VectorRef theta, const MinimizeOptions& options,
                          const IterationCallback& callback) override {
    Vector gradient(theta.size());
    OptimizerState state{0, {{"velocity", Vector::Zero(theta.size())}}, {}};
    if (options.resume) state = *options.resume;
    Vector& velocity = state.vectors.at("velocity");
    OptimizeResult result;
    for (long k = state.iterations + 1; k <= options.max_iterations; ++k) {
      result.loss = objective.evaluate(theta, gradient);
      velocity = 0.5 * velocity + gradient;
      theta -= 0.02 * options.schedule.factor(k) * velocity;
      result.iterations = state.iterations = k;
      if (!callback({k, result.loss, gradient.norm(), k, [&state] { return state; }})) return result;
    }
    return result;
  }
};

// Steepest descent without a state to report.
class Stateless final : public Optimizer {
 public:
  OptimizerNeeds needs() const override { return {false, false, true}; }
  OptimizeResult minimize(Objective& objective, VectorRef theta, const MinimizeOptions& options,
                          const IterationCallback& callback) override {
    Vector gradient(theta.size());
    for (long k = 1; k <= options.max_iterations; ++k) {
      const Scalar loss = objective.evaluate(theta, gradient);
      theta -= 0.01 * gradient;
      if (!callback({k, loss, gradient.norm(), k, {}})) break;
    }
    return {};
  }
};

struct Setup {
  ParameterStore store;
  std::shared_ptr<test::ElementwiseAffine> affine = std::make_shared<test::ElementwiseAffine>(store, "affine", 1);
  DensityModel model{std::make_shared<test::StandardGaussian>(1), affine};
  Matrix data = Matrix(1, 230);
  Matrix validation = Matrix(1, 50);
  Setup() {
    Rng(2).fill_normal(data);
    Rng(3).fill_normal(validation);
    data = (data.array() * 0.7 + 1).matrix();
    validation = (validation.array() * 0.7 + 1).matrix();
  }
};

TrainingStage momentum_stage(long iterations) {
  TrainingStage stage;
  stage.name = "momentum";
  stage.optimizer = std::make_shared<MomentumDescent>();
  stage.iterations = iterations;
  stage.batch_size = 40;  // 5 batches per epoch; 30 of the 230 points are left over each epoch
  stage.early_stopping.patience = 1000;
  stage.keep_best = true;
  return stage;
}

struct Row {
  long iteration;
  Scalar loss, gradient_norm, train_nll, validation_nll;
  bool best;
  bool operator==(const Row&) const = default;
};

Row row(const IterationRecord& record) {
  const EpochRecord epoch =
      record.epoch_end.value_or(EpochRecord{0, 0, 0, false});  // no NaN: rows compare with ==
  return {record.iteration, record.loss, record.gradient_norm, epoch.train_nll, epoch.validation_nll, epoch.best};
}

}  // namespace

TEST_CASE("a stage resumed from its checkpoint retraces the uninterrupted stage bit for bit") {
  const long iterations = 37;
  Setup whole;
  std::vector<Row> straight;
  Trainer(whole.model, whole.store, whole.data, whole.validation, 5)
      .run_stage(0, momentum_stage(iterations), [&](const IterationRecord& r) { straight.push_back(row(r)); });

  // The same run checkpointed every 8 iterations; the last checkpoint taken before
  // the stop at iteration 17 (inside the fourth epoch) is the one at 16.
  Setup first;
  std::vector<Row> before;
  std::optional<StageProgress> saved;
  Vector saved_theta;
  struct Stop {};
  Trainer interrupted(first.model, first.store, first.data, first.validation, 5);
  interrupted.checkpoint_every(8, [&](std::size_t stage, const StageProgress& progress) {
    CHECK(stage == 0);
    saved = progress;
    saved_theta = first.store.values();
  });
  try {
    interrupted.run_stage(0, momentum_stage(iterations), [&](const IterationRecord& r) {
      if (r.iteration == 17) throw Stop{};
      before.push_back(row(r));
    });
  } catch (const Stop&) {
  }
  REQUIRE(saved);
  REQUIRE(saved->iteration == 16);
  CHECK(saved->epochs == 3);
  CHECK(saved->best_epoch >= 1);
  CHECK(saved->optimizer.vectors.at("velocity").size() == 2);
  before.resize(16);

  Setup second;
  second.store.values() = saved_theta;
  std::vector<Row> after;
  const StageResult result =
      Trainer(second.model, second.store, second.data, second.validation, 5)
          .run_stage(
              0, momentum_stage(iterations), [&](const IterationRecord& r) { after.push_back(row(r)); }, &*saved);
  before.insert(before.end(), after.begin(), after.end());
  CHECK(before == straight);
  CHECK(second.store.values() == whole.store.values());
  CHECK(result.epochs == 7);
}

TEST_CASE("checkpointing inside a stage needs an optimizer that reports its state") {
  Setup setup;
  TrainingStage stage = momentum_stage(5);
  stage.optimizer = std::make_shared<Stateless>();
  Trainer trainer(setup.model, setup.store, setup.data, setup.validation, 5);
  trainer.checkpoint_every(2, [](std::size_t, const StageProgress&) {});
  CHECK_THROWS_WITH_AS(trainer.run_stage(0, stage, nullptr), doctest::Contains("reports no state"), TrainingError);
  CHECK_THROWS_AS(trainer.checkpoint_every(-1, nullptr), ConfigError);
}

TEST_CASE("the training objective refuses a state that does not fit its data") {
  Setup setup;
  LikelihoodObjective::Options options;
  options.batch_size = 40;
  LikelihoodObjective objective(setup.model, setup.store, setup.data, options, Rng(1));
  Vector gradient(setup.store.size());
  objective.evaluate(setup.store.values(), gradient);
  LikelihoodObjective::State state = objective.state();
  CHECK(state.cursor == 40);
  CHECK(state.nll_count == 1);

  LikelihoodObjective::State repeated = state;
  repeated.order[1] = repeated.order[0];
  CHECK_THROWS_WITH_AS(objective.restore(repeated), doctest::Contains("not a permutation"), DataError);
  LikelihoodObjective::State shorter = state;
  shorter.order.pop_back();
  CHECK_THROWS_AS(objective.restore(shorter), DataError);
  LikelihoodObjective::State past_end = state;
  past_end.cursor = 231;
  CHECK_THROWS_WITH_AS(objective.restore(past_end), doctest::Contains("cursor 231"), DataError);

  // A restored objective evaluates what the original evaluates next.
  LikelihoodObjective copy(setup.model, setup.store, setup.data, options, Rng(9));
  copy.restore(state);
  Vector other(setup.store.size());
  CHECK(copy.evaluate(setup.store.values(), other) == objective.evaluate(setup.store.values(), gradient));
  CHECK(other == gradient);
}
