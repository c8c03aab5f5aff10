// Test objectives defined by a lambda, recording every evaluation.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "liouville/core/optimizer.hpp"

namespace liouville::testing {

struct Evaluation {
  Vector theta;
  Scalar loss = 0;
  Vector gradient;
};

class RecordingObjective final : public Objective {
 public:
  // Returns the loss at theta and writes the gradient.
  using Function = std::function<Scalar(const Vector& theta, Vector& gradient)>;

  RecordingObjective(Index num_parameters, Function function)
      : num_parameters_(num_parameters), function_(std::move(function)) {}
  // Records the evaluations of another objective.
  explicit RecordingObjective(Objective& inner)
      : RecordingObjective(inner.num_parameters(), [&inner](const Vector& theta, Vector& gradient) {
          return inner.evaluate(theta, gradient);
        }) {}

  Index num_parameters() const override { return num_parameters_; }
  Scalar evaluate(ConstVectorRef theta, VectorRef gradient) override {
    Evaluation evaluation{theta, 0, Vector(theta.size())};
    evaluation.loss = function_(evaluation.theta, evaluation.gradient);
    gradient = evaluation.gradient;
    evaluations_.push_back(std::move(evaluation));
    return evaluations_.back().loss;
  }

  const std::vector<Evaluation>& evaluations() const { return evaluations_; }

 private:
  Index num_parameters_;
  Function function_;
  std::vector<Evaluation> evaluations_;
};

}  // namespace liouville::testing
