// Limited-memory BFGS (Liu and Nocedal 1989; Nocedal and Wright 2006, Algorithm
// 7.5) with a strong-Wolfe line search, for deterministic full-batch objectives.
//
// Each iteration searches along -H g, H the two-loop inverse-Hessian
// approximation, with first trial step 1. Without a memory (first iteration,
// after a reset) it searches along -g from min(1, 1/||g||_1). When -H g is not a
// descent direction or its line search fails, the memory is dropped and the
// iteration retried once along -g; if that fails as well the optimizer stops with
// kLineSearchFailure at the last accepted iterate.
//
// The reported state (to resume from) is the iterate's loss and gradient, the
// previous loss, the last step and the memory: scalars "loss",
// "previous_loss", "evaluations", vectors "gradient", "step" and the pairs
// "s<age>", "y<age>" (age 0 the newest). A resumed run takes the same path as
// the uninterrupted one, without evaluating its starting point again.
#include <algorithm>
#include <cmath>
#include <liouville/plugin.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "lbfgs_memory.hpp"
#include "strong_wolfe_line_search.hpp"

namespace liouville {
namespace {

std::string format(Scalar value) {
  std::ostringstream out;
  out.precision(3);
  out << value;
  return out.str();
}

// Names the first non-finite value: "lbfgs: the loss at the initial point is nan".
void require_finite(Scalar loss, const Vector& gradient, const std::string& where) {
  if (!std::isfinite(loss)) throw NumericalError("lbfgs: the loss " + where + " is " + format(loss));
  for (Index i = 0; i < gradient.size(); ++i)
    if (!std::isfinite(gradient[i]))
      throw NumericalError("lbfgs: the gradient " + where + " is not finite at parameter index " +
                           std::to_string(i));
}

struct LbfgsSettings {
  Index history = 10;
  Scalar gradient_tolerance = 1e-8;
  Scalar function_tolerance = 1e-12;
  Scalar step_tolerance = 1e-12;
  lbfgs::LineSearchOptions line_search;
};

// One call of minimize(): the current iterate theta with its loss and gradient,
// the memory, and the buffers of the line search.
class LbfgsRun {
 public:
  LbfgsRun(const LbfgsSettings& settings, Objective& objective, VectorRef theta, const OptimizerState* resume)
      : settings_(settings),
        objective_(objective),
        theta_(theta),
        gradient_(theta.size()),
        direction_(theta.size()),
        trial_(theta.size()),
        trial_gradient_(theta.size()),
        step_(theta.size()),
        change_(theta.size()),
        memory_(theta.size(), settings.history) {
    if (resume) {
      restore(*resume);
      return;
    }
    loss_ = objective_.evaluate(theta_, gradient_);
    result_.evaluations = 1;
    require_finite(loss_, gradient_, "at the initial point");
  }

  LbfgsRun(const LbfgsRun&) = delete;  // phi_ captures this
  LbfgsRun& operator=(const LbfgsRun&) = delete;

  OptimizeResult run(long max_iterations, const IterationCallback& callback) {
    bool stop_requested = false;
    for (;;) {
      if (std::optional<OptimizeResult> done = stop_test()) return *done;
      if (result_.iterations >= max_iterations)
        return finish(StopReason::kMaxIterations,
                      "loss " + format(loss_) + ", ||g||_inf = " + format(gradient_max()));
      if (stop_requested) return finish(StopReason::kCallback, "loss " + format(loss_));
      const lbfgs::LineSearchResult search = search_with_retry();
      if (!search.found())
        return finish(StopReason::kLineSearchFailure,
                      std::string(lbfgs::to_string(search.outcome)) + " along -g (" +
                          std::to_string(search.evaluations) +
                          " evaluations); returning the last accepted iterate, loss " + format(loss_) +
                          ", ||g||_inf = " + format(gradient_max()));
      accept(search.point);
      if (callback)
        stop_requested = !callback(
            {result_.iterations, loss_, gradient_.norm(), result_.evaluations, [this] { return state(); }});
    }
  }

 private:
  // The convergence tests at the current iterate, in the order they are reported.
  std::optional<OptimizeResult> stop_test() {
    const Scalar g_max = gradient_max();
    if (g_max <= settings_.gradient_tolerance)
      return finish(StopReason::kGradientTolerance,
                    "||g||_inf = " + format(g_max) + " <= " + format(settings_.gradient_tolerance));
    if (result_.iterations == 0) return std::nullopt;
    const Scalar loss_change = std::abs(previous_loss_ - loss_);
    if (loss_change <= settings_.function_tolerance * std::max(std::abs(previous_loss_), std::abs(loss_)))
      return finish(StopReason::kNoProgress, "the loss changed by " + format(loss_change) +
                                                 " <= " + format(settings_.function_tolerance) +
                                                 " * |loss| (loss " + format(loss_) + ")");
    const Scalar step_max = step_.lpNorm<Eigen::Infinity>();
    const Scalar step_bound = settings_.step_tolerance * std::max<Scalar>(1, theta_.lpNorm<Eigen::Infinity>());
    if (step_max <= step_bound)
      return finish(StopReason::kNoProgress, "the step ||s||_inf = " + format(step_max) +
                                                 " <= " + format(step_bound) + " (loss " + format(loss_) +
                                                 ", ||g||_inf = " + format(g_max) + ")");
    return std::nullopt;
  }

  // Searches along -H g; along -g when the memory is empty, when -H g is not a
  // descent direction, or (once) when the search along -H g failed.
  lbfgs::LineSearchResult search_with_retry() {
    bool steepest = memory_.size() == 0;
    if (!steepest) {
      memory_.apply_inverse_hessian(gradient_, direction_);
      direction_ = -direction_;
      steepest = !(gradient_.dot(direction_) < 0);
    }
    for (;;) {
      if (steepest) {
        memory_.clear();
        direction_ = -gradient_;
      }
      const Scalar initial_step = steepest ? std::min<Scalar>(1, 1 / gradient_.lpNorm<1>()) : 1;
      const lbfgs::LineSearchResult search = lbfgs::strong_wolfe_line_search(
          phi_, {0, loss_, gradient_.dot(direction_)}, initial_step, settings_.line_search);
      result_.evaluations += search.evaluations;
      if (search.found() || steepest) return search;
      steepest = true;
    }
  }

  // Moves to the accepted step, which is the last one the line search evaluated
  // (its point and gradient are in trial_ and trial_gradient_).
  void accept(const lbfgs::LinePoint& point) {
    step_ = trial_ - theta_;
    change_ = trial_gradient_ - gradient_;
    memory_.push(step_, change_);
    theta_ = trial_;
    gradient_.swap(trial_gradient_);
    previous_loss_ = loss_;
    loss_ = point.value;
    ++result_.iterations;
  }

  OptimizeResult finish(StopReason reason, const std::string& why) {
    result_.reason = reason;
    result_.loss = loss_;
    result_.gradient_norm = gradient_.norm();
    result_.message = std::string(to_string(reason)) + ": " + why + " after " +
                      std::to_string(result_.iterations) + " iterations";
    return result_;
  }

  Scalar gradient_max() const { return gradient_.lpNorm<Eigen::Infinity>(); }

  OptimizerState state() const {
    OptimizerState state{result_.iterations,
                         {{"gradient", gradient_}, {"step", step_}},
                         {{"loss", loss_},
                          {"previous_loss", previous_loss_},
                          {"evaluations", static_cast<Scalar>(result_.evaluations)}}};
    for (Index age = 0; age < memory_.size(); ++age) {
      state.vectors["s" + std::to_string(age)] = memory_.s(age);
      state.vectors["y" + std::to_string(age)] = memory_.y(age);
    }
    return state;
  }

  void restore(const OptimizerState& state) {
    auto vector = [&](const std::string& name) -> const Vector& {
      auto it = state.vectors.find(name);
      if (it == state.vectors.end()) throw DataError("lbfgs: the state to resume has no vector '" + name + "'");
      if (it->second.size() != theta_.size())
        throw DataError("lbfgs: the state's vector '" + name + "' has " + std::to_string(it->second.size()) +
                        " entries, the parameters " + std::to_string(theta_.size()));
      return it->second;
    };
    auto scalar = [&](const std::string& name) {
      auto it = state.scalars.find(name);
      if (it == state.scalars.end()) throw DataError("lbfgs: the state to resume has no scalar '" + name + "'");
      return it->second;
    };
    if (state.iterations < 0) throw DataError("lbfgs: cannot resume at a negative iteration count");
    result_.iterations = state.iterations;
    result_.evaluations = static_cast<long>(scalar("evaluations"));
    loss_ = scalar("loss");
    previous_loss_ = scalar("previous_loss");
    gradient_ = vector("gradient");
    step_ = vector("step");
    Index pairs = 0;
    while (state.vectors.count("s" + std::to_string(pairs))) ++pairs;
    if (pairs > settings_.history)
      throw DataError("lbfgs: the state holds " + std::to_string(pairs) + " curvature pairs, history is " +
                      std::to_string(settings_.history));
    for (Index age = pairs - 1; age >= 0; --age)  // oldest first
      if (!memory_.push(vector("s" + std::to_string(age)), vector("y" + std::to_string(age))))
        throw DataError("lbfgs: the state's curvature pair " + std::to_string(age) + " has s'y <= 0");
    require_finite(loss_, gradient_, "of the state to resume");
  }

  const LbfgsSettings& settings_;
  Objective& objective_;
  VectorRef theta_;
  Scalar loss_ = 0;
  Scalar previous_loss_ = 0;
  Vector gradient_, direction_, trial_, trial_gradient_, step_, change_;
  lbfgs::LbfgsMemory memory_;
  OptimizeResult result_;
  // phi(alpha) = f(theta + alpha d) and its slope g(theta + alpha d)'d.
  const lbfgs::LineFunction phi_ = [this](Scalar alpha) {
    trial_ = theta_ + alpha * direction_;
    const Scalar value = objective_.evaluate(trial_, trial_gradient_);
    return lbfgs::LinePoint{alpha, value, trial_gradient_.dot(direction_)};
  };
};

}  // namespace

class Lbfgs final : public Optimizer {
 public:
  static constexpr std::string_view kName = "lbfgs";
  static constexpr std::string_view kSummary =
      "L-BFGS with a strong-Wolfe line search (Nocedal and Wright 2006, Algorithms 7.4, 3.5, 3.6).";

  static void declare(Schema& schema) {
    schema.integer("history").default_value(10).min(1).doc("Number of curvature pairs (s, y) kept.");
    schema.real("gradient_tolerance")
        .default_value(1e-8)
        .min(0)
        .doc("Converged when the largest gradient entry is at most this.");
    schema.real("function_tolerance")
        .default_value(1e-12)
        .min(0)
        .doc("No progress when an iteration changes the loss by at most this times |loss|.");
    schema.real("step_tolerance")
        .default_value(1e-12)
        .min(0)
        .doc("No progress when the largest step entry is at most this times max(1, largest parameter).");
    schema.integer("max_line_search").default_value(25).min(1).doc("Objective evaluations per line search.");
    schema.real("c1").default_value(1e-4).greater_than(0).less_than(1).doc("Sufficient-decrease constant.");
    schema.real("c2").default_value(0.9).greater_than(0).less_than(1).doc("Curvature constant (c1 < c2).");
    schema.check([](const Params& params) -> std::optional<std::string> {
      if (params.get_real("c1") < params.get_real("c2")) return std::nullopt;
      return "c1 (" + format(params.get_real("c1")) + ") must be smaller than c2 (" +
             format(params.get_real("c2")) + ")";
    });
  }

  Lbfgs(const Params& params, BuildContext&)
      : settings_{params.get_int("history"),
                  params.get_real("gradient_tolerance"),
                  params.get_real("function_tolerance"),
                  params.get_real("step_tolerance"),
                  {params.get_real("c1"), params.get_real("c2"), params.get_int("max_line_search")}} {}

  OptimizerNeeds needs() const override { return {true, true, false}; }

  using Optimizer::minimize;
  OptimizeResult minimize(Objective& objective, VectorRef theta, const MinimizeOptions& options,
                          const IterationCallback& callback) override {
    const long max_iterations = options.max_iterations;
    if (!options.schedule.is_constant())
      throw ConfigError("lbfgs has no learning rate to schedule (its step comes from the line search)");
    if (objective.num_parameters() != theta.size())
      throw ConfigError("lbfgs: the objective has " + std::to_string(objective.num_parameters()) +
                        " parameters but theta has " + std::to_string(theta.size()));
    if (max_iterations < 0)
      throw ConfigError("lbfgs: max_iterations is negative (" + std::to_string(max_iterations) + ")");
    return LbfgsRun(settings_, objective, theta, options.resume).run(max_iterations, callback);
  }

 private:
  LbfgsSettings settings_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Optimizer, liouville::Lbfgs)
