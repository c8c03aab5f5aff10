#include <doctest/doctest.h>

#include <cmath>

#include "liouville/core/trainer.hpp"
#include "toy_components.hpp"

using namespace liouville;

namespace {

// Plain gradient descent: enough to drive the trainer.
class GradientDescent final : public Optimizer {
 public:
  explicit GradientDescent(double step, bool full_batch) : step_(step), full_batch_(full_batch) {}
  OptimizerNeeds needs() const override { return {full_batch_, full_batch_, !full_batch_}; }
  OptimizeResult minimize(Objective& objective, VectorRef theta, const MinimizeOptions& options,
                          const IterationCallback& callback) override {
    Vector gradient(theta.size());
    OptimizeResult result;
    for (long k = 1; k <= options.max_iterations; ++k) {
      result.loss = objective.evaluate(theta, gradient);
      theta -= step_ * options.schedule.factor(k) * gradient;
      result.iterations = k;
      result.gradient_norm = gradient.norm();
      if (!callback({k, result.loss, result.gradient_norm, k, {}})) return result;
    }
    return result;
  }

 private:
  double step_;
  bool full_batch_;
};

class FailingOptimizer final : public Optimizer {
 public:
  OptimizerNeeds needs() const override { return {false, false, true}; }
  OptimizeResult minimize(Objective& objective, VectorRef theta, const MinimizeOptions&,
                          const IterationCallback& callback) override {
    Vector gradient(theta.size());
    callback({1, objective.evaluate(theta, gradient), 0, 1, {}});
    throw NumericalError("the loss is NaN");
  }
};

TrainingStage make_stage(std::string name, std::shared_ptr<Optimizer> optimizer, long iterations, Index batch) {
  TrainingStage stage;
  stage.name = std::move(name);
  stage.optimizer = std::move(optimizer);
  stage.iterations = iterations;
  stage.batch_size = batch;
  return stage;
}

}  // namespace

TEST_CASE("the trainer fits an affine flow to Gaussian data and reports every iteration") {
  ParameterStore store;
  auto affine = std::make_shared<test::ElementwiseAffine>(store, "affine", 1);
  DensityModel model(std::make_shared<test::StandardGaussian>(1), affine);
  Matrix data(1, 2000);
  Rng(2).fill_normal(data);
  data = (data.array() * 0.7 + 1).matrix();

  std::vector<IterationRecord> records;
  Trainer trainer(model, store, data, 0);
  const auto results = trainer.run({make_stage("sgd", std::make_shared<GradientDescent>(0.05, false), 200, 100),
                                    make_stage("gd", std::make_shared<GradientDescent>(0.3, true), 400, 0)},
                                   [&](const IterationRecord& r) { records.push_back(r); });
  REQUIRE(results.size() == 2);
  CHECK(records.size() == 600);
  CHECK(records.front().stage == 0);
  CHECK(records.back().stage == 1);
  CHECK(records.back().iteration == 400);
  // Maximum likelihood: exp(s) = 1/std, b = -mean/std of the sample.
  const double mean = data.mean();
  const double std_dev = std::sqrt((data.array() - mean).square().mean());
  CHECK(std::exp(store.values()[0]) == doctest::Approx(1 / std_dev).epsilon(1e-4));
  CHECK(store.values()[1] == doctest::Approx(-mean / std_dev).epsilon(1e-4));
}

TEST_CASE("a failure inside a stage names the stage and the iteration") {
  ParameterStore store;
  auto affine = std::make_shared<test::ElementwiseAffine>(store, "affine", 1);
  DensityModel model(std::make_shared<test::StandardGaussian>(1), affine);
  Matrix data = Matrix::Ones(1, 4);
  Trainer trainer(model, store, data, 0);
  try {
    trainer.run({make_stage("sgd", std::make_shared<GradientDescent>(0.1, false), 3, 0),
                 make_stage("broken", std::make_shared<FailingOptimizer>(), 5, 0)},
                nullptr);
    FAIL("expected a TrainingError");
  } catch (const TrainingError& error) {
    CHECK(error.stage() == 1);
    CHECK(error.iteration() == 2);
    CHECK(std::string(error.what()) == "training stage 2 (broken), iteration 2: the loss is NaN");
  }
}

namespace {

// Sets its shift from the first batch it sees (like Glow's actnorm): z = x + b.
class DataInitializedShift final : public Bijection {
 public:
  explicit DataInitializedShift(ParameterStore& store) : shift_(store.allocate("shift", 1, 1)) {}
  Index dim() const override { return 1; }
  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>*) const override {
    if (!initialized_) {
      shift_.mutable_value()(0, 0) = -x.mean();
      initialized_ = true;
    }
    z = x.array() + shift_.value()(0, 0);
    logdet.setZero();
  }
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const override {
    x = z.array() - shift_.value()(0, 0);
    logdet.setZero();
  }
  void backward(const Tape*, ConstMatrixRef, ConstMatrixRef, ConstMatrixRef z_bar, ConstVectorRef, MatrixRef x_bar,
                VectorRef theta_bar) const override {
    x_bar = z_bar;
    shift_.in(theta_bar)(0, 0) += z_bar.sum();
  }

 private:
  ParameterSlice shift_;
  mutable bool initialized_ = false;
};

}  // namespace

TEST_CASE("data-dependent initialization reaches the optimizer") {
  ParameterStore store;
  DensityModel model(std::make_shared<test::StandardGaussian>(1), std::make_shared<DataInitializedShift>(store));
  Matrix data(1, 4);
  data << 1.0, 2.0, 3.0, 6.0;
  Trainer trainer(model, store, data, 0);
  trainer.run({make_stage("frozen", std::make_shared<GradientDescent>(0.0, true), 2, 0)}, nullptr);
  CHECK(store.values()[0] == doctest::Approx(-3.0));
}
