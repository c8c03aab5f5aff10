// Adam (Kingma and Ba 2015, Algorithm 1, with bias correction) and its decoupled
// weight decay (AdamW, Loshchilov and Hutter 2019), for stochastic objectives:
//   m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2,
//   theta <- (1 - lr wd) theta - lr m_hat / (sqrt(v_hat) + eps),
// with m_hat = m / (1 - b1^t) and v_hat = v / (1 - b2^t). The decay multiplies
// theta directly (scaled by lr, as in PyTorch's AdamW) and never enters m or v.
// Each iteration evaluates the objective once; the moments start from zero at
// every call of minimize() unless it resumes a reported state: vectors "m" and
// "v", scalars "beta1_power" = b1^t and "beta2_power" = b2^t. A learning-rate
// schedule scales lr (and with it the decay step) at every iteration.
#include <cmath>
#include <limits>
#include <liouville/plugin.hpp>
#include <sstream>
#include <string>

namespace liouville {

class Adam final : public Optimizer {
 public:
  static constexpr std::string_view kName = "adam";
  static constexpr std::string_view kSummary =
      "Adam with bias correction (Kingma and Ba 2015) and decoupled weight decay (AdamW).";

  static void declare(Schema& schema) {
    schema.real("learning_rate").default_value(1e-3).greater_than(0).doc("Step size lr.");
    schema.real("beta1").default_value(0.9).min(0).less_than(1).doc("Decay rate of the first-moment average.");
    schema.real("beta2").default_value(0.999).min(0).less_than(1).doc("Decay rate of the second-moment average.");
    schema.real("epsilon").default_value(1e-8).greater_than(0).doc("Added to sqrt(v_hat) in the denominator.");
    schema.real("weight_decay")
        .default_value(0.0)
        .min(0)
        .doc("Decoupled weight decay: theta is scaled by (1 - learning_rate * weight_decay) every step.");
  }

  Adam(const Params& params, BuildContext&)
      : learning_rate_(params.get_real("learning_rate")),
        beta1_(params.get_real("beta1")),
        beta2_(params.get_real("beta2")),
        epsilon_(params.get_real("epsilon")),
        weight_decay_(params.get_real("weight_decay")) {}

  OptimizerNeeds needs() const override { return {false, false, true}; }

  using Optimizer::minimize;
  OptimizeResult minimize(Objective& objective, VectorRef theta, const MinimizeOptions& options,
                          const IterationCallback& callback) override;

 private:
  Scalar learning_rate_;
  Scalar beta1_;
  Scalar beta2_;
  Scalar epsilon_;
  Scalar weight_decay_;
};

namespace {

void require_finite(long iteration, Scalar loss, const Vector& gradient) {
  const std::string where = "adam: iteration " + std::to_string(iteration) + ": ";
  if (std::isnan(loss)) throw NumericalError(where + "the loss is NaN");
  if (!std::isfinite(loss)) throw NumericalError(where + "the loss is infinite");
  for (Index i = 0; i < gradient.size(); ++i)
    if (!std::isfinite(gradient[i]))
      throw NumericalError(where + "the gradient is not finite at parameter index " + std::to_string(i));
}

OptimizerState fresh_state(Index n) {
  return {0, {{"m", Vector::Zero(n)}, {"v", Vector::Zero(n)}}, {{"beta1_power", 1}, {"beta2_power", 1}}};
}

// A copy of `state`, checked: every entry present, with n parameters.
OptimizerState resumed_state(const OptimizerState& state, Index n) {
  OptimizerState copy = fresh_state(n);
  copy.iterations = state.iterations;
  if (state.iterations < 0) throw DataError("adam: cannot resume at a negative iteration count");
  for (auto& [name, vector] : copy.vectors) {
    auto it = state.vectors.find(name);
    if (it == state.vectors.end()) throw DataError("adam: the state to resume has no vector '" + name + "'");
    if (it->second.size() != n)
      throw DataError("adam: the state's vector '" + name + "' has " + std::to_string(it->second.size()) +
                      " entries, the parameters " + std::to_string(n));
    vector = it->second;
  }
  for (auto& [name, value] : copy.scalars) {
    auto it = state.scalars.find(name);
    if (it == state.scalars.end()) throw DataError("adam: the state to resume has no scalar '" + name + "'");
    value = it->second;
  }
  return copy;
}

}  // namespace

OptimizeResult Adam::minimize(Objective& objective, VectorRef theta, const MinimizeOptions& options,
                              const IterationCallback& callback) {
  const long max_iterations = options.max_iterations;
  const Index n = theta.size();
  if (objective.num_parameters() != n)
    throw ConfigError("adam: the objective has " + std::to_string(objective.num_parameters()) +
                      " parameters but theta has " + std::to_string(n));
  if (max_iterations < 0)
    throw ConfigError("adam: max_iterations is negative (" + std::to_string(max_iterations) + ")");

  Vector gradient(n);
  OptimizerState state = options.resume ? resumed_state(*options.resume, n) : fresh_state(n);
  Vector& m = state.vectors["m"];
  Vector& v = state.vectors["v"];
  Scalar& decay1 = state.scalars["beta1_power"];  // b1^t
  Scalar& decay2 = state.scalars["beta2_power"];  // b2^t
  OptimizeResult result;
  result.reason = StopReason::kMaxIterations;
  result.loss = std::numeric_limits<Scalar>::quiet_NaN();  // no evaluation yet
  result.gradient_norm = std::numeric_limits<Scalar>::quiet_NaN();
  result.iterations = state.iterations;
  while (result.iterations < max_iterations) {
    const long t = result.iterations + 1;
    const Scalar loss = objective.evaluate(theta, gradient);
    ++result.evaluations;
    require_finite(t, loss, gradient);

    m = beta1_ * m + (1 - beta1_) * gradient;
    v = beta2_ * v + (1 - beta2_) * gradient.cwiseAbs2();
    decay1 *= beta1_;
    decay2 *= beta2_;
    const Scalar learning_rate = learning_rate_ * options.schedule.factor(t);
    const Scalar step = learning_rate / (1 - decay1);
    const Scalar v_scale = 1 / (1 - decay2);
    theta = (1 - learning_rate * weight_decay_) * theta -
            step * (m.array() / ((v_scale * v.array()).sqrt() + epsilon_)).matrix();

    result.iterations = state.iterations = t;
    result.loss = loss;
    result.gradient_norm = gradient.norm();
    if (callback && !callback({t, loss, result.gradient_norm, result.evaluations, [&state] { return state; }})) {
      if (t < max_iterations) result.reason = StopReason::kCallback;
      break;
    }
  }
  std::ostringstream message;
  message.precision(3);
  message << to_string(result.reason) << ": " << result.iterations << " of " << max_iterations << " iterations";
  if (result.iterations > 0) message << ", last loss " << result.loss << ", ||g|| = " << result.gradient_norm;
  result.message = message.str();
  return result;
}

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Optimizer, liouville::Adam)
