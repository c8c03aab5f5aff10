// The training loop around the optimizers: epochs, validation, early stopping,
// keep-best, gradient clipping and learning-rate schedules.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "liouville/core/likelihood_objective.hpp"
#include "liouville/core/trainer.hpp"
#include "toy_components.hpp"

using namespace liouville;

namespace {

// theta <- theta - step * factor(k) * gradient; a negative step climbs the loss.
class ScheduledDescent final : public Optimizer {
 public:
  explicit ScheduledDescent(double step) : step_(step) {}
  OptimizerNeeds needs() const override { return {false, false, true}; }
  using Optimizer::minimize;
  OptimizeResult minimize(Objective& objective, VectorRef theta, const MinimizeOptions& options,
                          const IterationCallback& callback) override {
    Vector gradient(theta.size());
    OptimizeResult result;
    for (long k = 1; k <= options.max_iterations; ++k) {
      result.loss = objective.evaluate(theta, gradient);
      theta -= step_ * options.schedule.factor(k) * gradient;
      result.iterations = k;
      if (!callback({k, result.loss, gradient.norm(), k, {}})) {
        result.reason = StopReason::kCallback;
        break;
      }
    }
    return result;
  }

 private:
  double step_;
};

struct AffineProblem {
  ParameterStore store;
  std::shared_ptr<test::ElementwiseAffine> affine = std::make_shared<test::ElementwiseAffine>(store, "affine", 1);
  DensityModel model{std::make_shared<test::StandardGaussian>(1), affine};
  Matrix data = Matrix(1, 1000);
  Matrix validation = Matrix(1, 200);
  AffineProblem() {
    Rng(5).fill_normal(data);
    Rng(6).fill_normal(validation);
    data = (data.array() * 2 + 3).matrix();
    validation = (validation.array() * 2 + 3).matrix();
  }
};

TrainingStage stage(double step, long iterations, Index batch) {
  TrainingStage s;
  s.name = "sgd";
  s.optimizer = std::make_shared<ScheduledDescent>(step);
  s.iterations = iterations;
  s.batch_size = batch;
  return s;
}

}  // namespace

TEST_CASE("epochs: one validation per pass, the epoch's training NLL is the mean of its batches") {
  AffineProblem p;
  std::vector<IterationRecord> records;
  std::vector<double> validation_at_epoch_end;  // recomputed from the parameters the observer sees
  Trainer trainer(p.model, p.store, p.data, p.validation, 0);
  const StageResult result = trainer.run_stage(0, stage(0.01, 35, 100), [&](const IterationRecord& r) {
    records.push_back(r);
    Rng noise(0);
    if (r.epoch_end) validation_at_epoch_end.push_back(-p.model.log_density(p.validation, noise).mean());
  });
  REQUIRE(records.size() == 35);
  CHECK(result.epochs == 3);
  double batch_sum = 0;
  for (const IterationRecord& r : records) {
    CHECK(r.epoch == (r.iteration - 1) / 10 + 1);
    CHECK(r.epoch_end.has_value() == (r.iteration % 10 == 0));
    if (r.epoch == 2) batch_sum += r.terms.nll;
  }
  const EpochRecord& second = *records[19].epoch_end;
  CHECK(second.epoch == 2);
  CHECK(second.train_nll == doctest::Approx(batch_sum / 10).epsilon(1e-14));
  // The validation NLL is the model's at the parameters after the epoch's last step.
  REQUIRE(validation_at_epoch_end.size() == 3);
  CHECK(second.validation_nll == doctest::Approx(validation_at_epoch_end[1]).epsilon(1e-14));
  CHECK(records[29].epoch_end->validation_nll < records[9].epoch_end->validation_nll);
}

TEST_CASE("early stopping stops after `patience` epochs without improvement; keep-best restores") {
  AffineProblem p;
  // Gradient ascent: every epoch is worse than the first.
  TrainingStage climbing = stage(-2e-4, 1000, 100);
  climbing.early_stopping.patience = 3;
  climbing.keep_best = true;
  Vector after_first_epoch;
  Trainer trainer(p.model, p.store, p.data, p.validation, 0);
  const StageResult result = trainer.run_stage(0, climbing, [&](const IterationRecord& r) {
    if (r.epoch_end && r.epoch_end->epoch == 1) after_first_epoch = p.store.values();
  });
  CHECK(result.early_stopped);
  CHECK(result.epochs == 4);
  CHECK(result.result.iterations == 40);
  CHECK(result.best_epoch == 1);
  CHECK(result.restored_best);
  CHECK(p.store.values() == after_first_epoch);
  CHECK(result.summary().find("early stopping after 4 epochs") != std::string::npos);

  SUBCASE("without keep-best the last parameters stay") {
    climbing.keep_best = false;
    const Vector start = p.store.values();
    Trainer again(p.model, p.store, p.data, p.validation, 0);
    const StageResult last = again.run_stage(0, climbing, nullptr);
    CHECK_FALSE(last.restored_best);
    CHECK((p.store.values() - start).norm() > 0);
  }
}

TEST_CASE("min_delta: improvements smaller than it do not reset the patience") {
  AffineProblem p;
  TrainingStage slow = stage(1e-5, 1000, 100);  // tiny steps: tiny improvements
  slow.early_stopping = {2, 1.0};
  Trainer trainer(p.model, p.store, p.data, p.validation, 0);
  const StageResult result = trainer.run_stage(0, slow, nullptr);
  CHECK(result.early_stopped);
  CHECK(result.epochs == 3);
}

TEST_CASE("early stopping and keep-best need validation data") {
  AffineProblem p;
  TrainingStage s = stage(0.01, 10, 100);
  s.early_stopping.patience = 2;
  Trainer trainer(p.model, p.store, p.data, 0);
  CHECK_THROWS_WITH_AS(trainer.run_stage(0, s, nullptr), doctest::Contains("needs validation data"),
                       TrainingError);
}

TEST_CASE("a learning-rate schedule scales every step") {
  AffineProblem a;
  AffineProblem b;
  TrainingStage halved = stage(0.02, 20, 0);
  halved.schedule = LearningRateSchedule::step(1, 0.5);
  std::vector<double> factors;
  Trainer(a.model, a.store, a.data, 0).run_stage(0, halved, [&](const IterationRecord& r) {
    factors.push_back(r.learning_rate_factor);
  });
  CHECK(factors[0] == 1);
  CHECK(factors[3] == 0.125);
  // Full batch and deterministic steps: the same as unscheduled steps of 0.02 * 2^-k.
  Vector gradient(2);
  LikelihoodObjective objective(b.model, b.store, b.data, {}, Rng(0));
  Vector theta = b.store.values();
  for (int k = 0; k < 20; ++k) {
    objective.evaluate(theta, gradient);
    theta -= 0.02 * std::pow(0.5, k) * gradient;
  }
  CHECK((a.store.values() - theta).norm() < 1e-12);
}

TEST_CASE("learning-rate schedules: values and errors") {
  const LearningRateSchedule cosine = LearningRateSchedule::cosine(110, 0.1, 10);
  CHECK(cosine.factor(5) == doctest::Approx(0.5));
  CHECK(cosine.factor(10) == doctest::Approx(1.0));
  CHECK(cosine.factor(60) == doctest::Approx(0.1 + 0.9 * 0.5));
  CHECK(cosine.factor(110) == doctest::Approx(0.1));
  const LearningRateSchedule step = LearningRateSchedule::step(100, 0.1);
  CHECK(step.factor(100) == 1);
  CHECK(step.factor(101) == doctest::Approx(0.1));
  CHECK(step.factor(250) == doctest::Approx(0.01));
  CHECK(LearningRateSchedule().factor(7) == 1);
  CHECK_THROWS_AS(LearningRateSchedule::cosine(10, 0.1, 10), ConfigError);
  CHECK_THROWS_AS(LearningRateSchedule::cosine(10, 1.5, 0), ConfigError);
  CHECK_THROWS_AS(LearningRateSchedule::step(0, 0.5), ConfigError);
  CHECK_THROWS_AS(LearningRateSchedule::step(10, 0), ConfigError);
}

TEST_CASE("gradient clipping rescales large gradients to the limit and leaves small ones") {
  AffineProblem p;
  p.store.values() << 3.0, -4.0;  // far from the optimum: a large gradient
  Vector unclipped(2);
  Vector clipped(2);
  LikelihoodObjective plain(p.model, p.store, p.data, {0, false, 0, 0}, Rng(1));
  LikelihoodObjective limited(p.model, p.store, p.data, {0, false, 0, 0.5}, Rng(1));
  const Vector theta = p.store.values();
  const double loss = plain.evaluate(theta, unclipped);
  CHECK(limited.evaluate(theta, clipped) == loss);
  REQUIRE(unclipped.norm() > 0.5);
  CHECK(clipped.norm() == doctest::Approx(0.5));
  CHECK(clipped.normalized().dot(unclipped.normalized()) == doctest::Approx(1.0));
  LikelihoodObjective generous(p.model, p.store, p.data, {0, false, 0, 1e6}, Rng(1));
  Vector same(2);
  generous.evaluate(theta, same);
  CHECK(same == unclipped);
  CHECK_THROWS_AS(LikelihoodObjective(p.model, p.store, p.data, {0, true, 0, 1.0}, Rng(1)), ConfigError);
}

TEST_CASE("the likelihood terms add up: nll = |z|^2 / 2 + (d / 2) log 2 pi - logdet") {
  AffineProblem p;
  p.store.values() << 0.3, -0.2;
  Vector gradient = Vector::Zero(2);
  Rng noise(0);
  const LikelihoodTerms terms = p.model.negative_log_likelihood(p.data, noise, gradient);
  CHECK(terms.logdet == doctest::Approx(0.3));
  CHECK(terms.nll ==
        doctest::Approx(terms.half_squared_norm + 0.5 * std::log(2 * std::numbers::pi) - terms.logdet));
}
