// Non-finite losses and gradients: the component that produced the first NaN or
// Inf is named, `stop` stops the stage, `skip` drops the step without the
// optimizer seeing it, and too many skips in a row stop the stage.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "liouville/core/chain.hpp"
#include "liouville/core/nonfinite.hpp"
#include "liouville/core/trainer.hpp"
#include "toy_components.hpp"

using namespace liouville;

namespace {

constexpr Scalar kNaN = std::numeric_limits<Scalar>::quiet_NaN();

// z = x + b. Columns whose input exceeds `threshold` get a NaN output (or
// log-determinant); with `nan_gradient` the forward is finite but b's gradient is NaN.
class PoisonedShift final : public Bijection {
 public:
  enum class Where { kOutput, kLogdet, kGradient, kSolver };
  PoisonedShift(ParameterStore& store, const std::string& name, Scalar threshold, Where where)
      : shift_(store.allocate(name + ".b", 1, 1)), threshold_(threshold), where_(where) {}

  Index dim() const override { return 1; }
  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>*) const override {
    if (where_ == Where::kSolver && (x.array() > threshold_).any())
      throw SolverError(SolverFailure::kNonFinite, 0.5, 0.1, 3, "the state is nan");
    z = x.array() + shift_.value()(0, 0);
    logdet.setZero();
    for (Index j = 0; j < x.cols(); ++j) {
      if (x(0, j) <= threshold_) continue;
      if (where_ == Where::kOutput) z(0, j) = kNaN;
      if (where_ == Where::kLogdet) logdet(j) = kNaN;
    }
  }
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const override {
    x = z.array() - shift_.value()(0, 0);
    logdet.setZero();
  }
  void backward(const Tape*, ConstMatrixRef x, ConstMatrixRef, ConstMatrixRef z_bar, ConstVectorRef,
                MatrixRef x_bar, VectorRef theta_bar) const override {
    x_bar = z_bar;
    shift_.in(theta_bar)(0, 0) += z_bar.sum();
    if (where_ == Where::kGradient && (x.array() > threshold_).any()) shift_.in(theta_bar)(0, 0) = kNaN;
  }

 private:
  ParameterSlice shift_;
  Scalar threshold_;
  Where where_;
};

// affine -> poisoned shift -> affine, labelled like the host labels a config's layers.
struct PoisonedModel {
  ParameterStore store;
  std::unique_ptr<DensityModel> model;

  explicit PoisonedModel(Scalar threshold, PoisonedShift::Where where = PoisonedShift::Where::kOutput) {
    std::vector<std::shared_ptr<Bijection>> layers{
        std::make_shared<test::ElementwiseAffine>(store, "model.flow[0]", 1),
        std::make_shared<PoisonedShift>(store, "model.flow[1]", threshold, where),
        std::make_shared<test::ElementwiseAffine>(store, "model.flow[2]", 1)};
    model = std::make_unique<DensityModel>(
        std::make_shared<test::StandardGaussian>(1), std::make_shared<Chain>(std::move(layers)),
        ModelLabels{"model.base (normal)",
                    {"model.flow[0] (affine)", "model.flow[1] (poison)", "model.flow[2] (affine)"}});
  }

  std::string locate(const Matrix& x) {
    Vector gradient = Vector::Zero(store.size());
    Rng noise(1);
    model->negative_log_likelihood(x, noise, gradient);
    return locate_nonfinite(*model, store, x, Rng(1), gradient);
  }
};

// Gradient descent that records every value and gradient the objective hands it.
class RecordingDescent final : public Optimizer {
 public:
  explicit RecordingDescent(bool deterministic) : deterministic_(deterministic) {}
  OptimizerNeeds needs() const override { return {deterministic_, deterministic_, !deterministic_}; }
  OptimizeResult minimize(Objective& objective, VectorRef theta, const MinimizeOptions& options,
                          const IterationCallback& callback) override {
    Vector gradient(theta.size());
    OptimizeResult result;
    for (long k = 1; k <= options.max_iterations; ++k) {
      result.loss = objective.evaluate(theta, gradient);
      seen_finite = seen_finite && std::isfinite(result.loss) && gradient.allFinite();
      if (!std::isfinite(result.loss)) throw NumericalError("recording descent: the loss is not finite");
      ++evaluations;
      theta -= 0.01 * gradient;
      result.iterations = k;
      if (!callback({k, result.loss, gradient.norm(), k, {}})) return result;
    }
    return result;
  }
  long evaluations = 0;
  bool seen_finite = true;

 private:
  bool deterministic_;
};

TrainingStage stage(std::shared_ptr<Optimizer> optimizer, long iterations, Index batch, NonFinitePolicy policy,
                    long max_skips = 10) {
  TrainingStage built;
  built.name = "descent";
  built.optimizer = std::move(optimizer);
  built.iterations = iterations;
  built.batch_size = batch;
  built.on_nonfinite = policy;
  built.max_consecutive_skips = max_skips;
  return built;
}

Matrix points(std::initializer_list<Scalar> values) {
  Matrix x(1, static_cast<Index>(values.size()));
  Index j = 0;
  for (Scalar value : values) x(0, j++) = value;
  return x;
}

}  // namespace

TEST_CASE("the first non-finite value is located in the order data flows") {
  const Matrix x = points({0.1, 0.2, 100.0, -0.3});
  CHECK(PoisonedModel(50).locate(x) == "model.flow[1] (poison): its output is nan for 1 of 4 samples");
  CHECK(PoisonedModel(50, PoisonedShift::Where::kLogdet).locate(x) ==
        "model.flow[1] (poison): its log-determinant is nan for 1 of 4 samples");
  CHECK(PoisonedModel(50, PoisonedShift::Where::kGradient).locate(x) ==
        "the gradient of model.flow[1].b (entry 0) is nan (the forward pass is finite: the reverse pass of its "
        "component produced it)");
  CHECK(PoisonedModel(1e300).locate(points({1e200, 0.0})) ==
        "model.base (normal): its log-density is -inf for 1 of 2 samples");
  CHECK(PoisonedModel(50).locate(points({0.5, kNaN})) == "the data batch: nan for 1 of 2 samples");
  PoisonedModel broken_parameter(50);
  broken_parameter.store.values()[1] = std::numeric_limits<Scalar>::infinity();  // model.flow[0].shift
  CHECK(broken_parameter.locate(x) == "the parameter model.flow[0].shift (entry 0) is inf");
  CHECK(PoisonedModel(1e300).locate(x) ==
        "no component produced a non-finite value when the batch was evaluated again");
}

TEST_CASE("on_nonfinite stop names the stage, the iteration and the component") {
  PoisonedModel poisoned(50);
  const Matrix data = points({0.1, 0.2, 100.0, -0.3});
  const Vector initial = poisoned.store.values();
  Trainer trainer(*poisoned.model, poisoned.store, data, 3);
  long observed = 0;
  try {
    trainer.run({stage(std::make_shared<RecordingDescent>(false), 40, 1, NonFinitePolicy::kStop)},
                [&](const IterationRecord&) { ++observed; });
    FAIL("expected a TrainingError");
  } catch (const TrainingError& error) {
    INFO(error.what());
    CHECK(error.stage() == 0);
    CHECK(error.iteration() == observed + 1);  // the first iteration that met the poisoned point
    CHECK(observed < 4);                       // it is in the first epoch of four batches
    CHECK(std::string(error.what()) ==
          "training stage 1 (descent), iteration " + std::to_string(observed + 1) +
              ": the loss is nan; first non-finite value: model.flow[1] (poison): its output is nan for 1 of 1 "
              "samples (train.on_nonfinite: stop)");
  }
}

TEST_CASE("on_nonfinite skip drops the step before the optimizer sees it and takes the next batch") {
  PoisonedModel poisoned(50);
  const Matrix data = points({0.1, 0.2, 100.0, -0.3});
  auto optimizer = std::make_shared<RecordingDescent>(false);
  Trainer trainer(*poisoned.model, poisoned.store, data, 3);
  long observed = 0;
  const auto results =
      trainer.run({stage(optimizer, 30, 1, NonFinitePolicy::kSkip, 2)}, [&](const IterationRecord& record) {
        ++observed;
        CHECK(std::isfinite(record.loss));
      });
  REQUIRE(results.size() == 1);
  CHECK(observed == 30);
  CHECK(optimizer->evaluations == 30);
  CHECK(optimizer->seen_finite);
  // 30 good batches of the 3 good points take 10 epochs; each epoch also draws the poisoned point once,
  // except possibly the last, cut short after its 30th good batch.
  CHECK(results[0].skipped_steps >= 9);
  CHECK(results[0].skipped_steps <= 10);
  CHECK(results[0].summary().find(std::to_string(results[0].skipped_steps) +
                                  " steps skipped for a non-finite loss or gradient") != std::string::npos);
  CHECK(poisoned.store.values().allFinite());
}

TEST_CASE("an ODE state that became non-finite is skipped too; a solver that gave up otherwise is not") {
  PoisonedModel poisoned(50, PoisonedShift::Where::kSolver);
  const Matrix data = points({0.1, 0.2, 100.0, -0.3});
  auto optimizer = std::make_shared<RecordingDescent>(false);
  Trainer trainer(*poisoned.model, poisoned.store, data, 3);
  const auto results = trainer.run({stage(optimizer, 12, 1, NonFinitePolicy::kSkip, 3)}, nullptr);
  CHECK(optimizer->evaluations == 12);
  CHECK(results[0].skipped_steps >= 3);

  Trainer stopping(*poisoned.model, poisoned.store, data, 3);
  try {
    stopping.run({stage(optimizer, 12, 1, NonFinitePolicy::kStop)}, nullptr);
    FAIL("expected a TrainingError");
  } catch (const TrainingError& error) {
    CHECK(
        std::string(error.what())
            .ends_with(
                ": the loss is nan; first non-finite value: model.flow[1] (poison): ODE solve failed: non-finite "
                "values at t = 0.5 (step 3, h = 0.1): the state is nan (train.on_nonfinite: stop)"));
  }
}

TEST_CASE("max_consecutive_skips non-finite steps in a row stop the stage with the parameters unchanged") {
  PoisonedModel poisoned(-1e300);  // every point is poisoned
  const Matrix data = points({0.1, 0.2, 0.3});
  const Vector initial = poisoned.store.values();
  auto optimizer = std::make_shared<RecordingDescent>(false);
  Trainer trainer(*poisoned.model, poisoned.store, data, 3);
  try {
    trainer.run({stage(optimizer, 10, 1, NonFinitePolicy::kSkip, 3)}, nullptr);
    FAIL("expected a TrainingError");
  } catch (const TrainingError& error) {
    CHECK(
        std::string(error.what()) ==
        "training stage 1 (descent), iteration 1: 3 steps in a row were skipped for a non-finite loss or gradient "
        "(train.max_consecutive_skips: 3); the last: the loss is nan; first non-finite value: model.flow[1] "
        "(poison): its output is nan for 1 of 1 samples");
  }
  CHECK(optimizer->evaluations == 0);
  CHECK(poisoned.store.values() == initial);
}

TEST_CASE("a deterministic stage gets the non-finite value and its error names the component") {
  PoisonedModel poisoned(50, PoisonedShift::Where::kLogdet);
  const Matrix data = points({0.1, 0.2, 100.0, -0.3});
  auto optimizer = std::make_shared<RecordingDescent>(true);
  Trainer trainer(*poisoned.model, poisoned.store, data, 3);
  try {
    trainer.run({stage(optimizer, 10, 0, NonFinitePolicy::kSkip)},
                nullptr);  // skip cannot apply: the same value again
    FAIL("expected a TrainingError");
  } catch (const TrainingError& error) {
    CHECK(std::string(error.what()) ==
          "training stage 1 (descent), iteration 1: recording descent: the loss is not finite; first non-finite "
          "value: model.flow[1] (poison): its log-determinant is nan for 1 of 4 samples");
  }
  CHECK(!optimizer->seen_finite);
}

TEST_CASE("on_nonfinite accepts stop and skip only") {
  CHECK(parse_nonfinite_policy("stop", "train.on_nonfinite") == NonFinitePolicy::kStop);
  CHECK(parse_nonfinite_policy("skip", "train.on_nonfinite") == NonFinitePolicy::kSkip);
  CHECK_THROWS_WITH_AS(parse_nonfinite_policy("ignore", "train.on_nonfinite"),
                       "train.on_nonfinite: unknown policy 'ignore'; use stop or skip", ConfigError);
}
