#include "liouville/core/likelihood_objective.hpp"

#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include "liouville/core/errors.hpp"

namespace liouville {

LikelihoodObjective::LikelihoodObjective(const DensityModel& model, ParameterStore& parameters, const Matrix& data,
                                         Options options, Rng rng)
    : model_(model),
      parameters_(parameters),
      data_(data),
      options_(options),
      rng_(rng),
      fixed_noise_(rng.split(0)),
      order_(static_cast<std::size_t>(data.cols())) {
  std::iota(order_.begin(), order_.end(), Index{0});
  cursor_ = order_.size();  // the first evaluation starts an epoch
  if (data.cols() == 0) throw DataError("the training set is empty");
  if (options_.batch_size <= 0 || options_.batch_size >= data.cols()) options_.batch_size = data.cols();
  if (options_.deterministic && options_.clip_gradient_norm > 0)
    throw ConfigError(
        "gradient clipping needs a stochastic optimizer: clipping would make a line search's "
        "gradient disagree with its loss");
}

void LikelihoodObjective::record(const LikelihoodTerms& terms) {
  last_terms_ = terms;
  nll_sum_ += terms.nll;
  ++nll_count_;
}

Scalar LikelihoodObjective::take_mean_nll() {
  const Scalar mean = nll_sum_ / static_cast<Scalar>(nll_count_);
  nll_sum_ = 0;
  nll_count_ = 0;
  return mean;
}

LikelihoodObjective::State LikelihoodObjective::state() const {
  return {rng_.state(), order_, static_cast<Index>(cursor_), nll_sum_, nll_count_};
}

void LikelihoodObjective::restore(const State& state) {
  std::vector<bool> seen(order_.size(), false);
  bool permutation = state.order.size() == order_.size();
  for (std::size_t i = 0; permutation && i < state.order.size(); ++i) {
    const Index j = state.order[i];
    permutation = j >= 0 && j < static_cast<Index>(seen.size()) && !seen[static_cast<std::size_t>(j)];
    if (permutation) seen[static_cast<std::size_t>(j)] = true;
  }
  if (!permutation)
    throw DataError("the training objective's batch order is not a permutation of the " +
                    std::to_string(order_.size()) + " training points");
  if (state.cursor < 0 || static_cast<std::size_t>(state.cursor) > order_.size() || state.nll_count < 0)
    throw DataError("the training objective's cursor " + std::to_string(state.cursor) + " or epoch count " +
                    std::to_string(state.nll_count) + " is out of range");
  rng_.restore(state.rng);
  order_ = state.order;
  cursor_ = static_cast<std::size_t>(state.cursor);
  nll_sum_ = state.nll_sum;
  nll_count_ = state.nll_count;
}

void LikelihoodObjective::next_batch() {
  const auto size = static_cast<std::size_t>(options_.batch_size);
  if (cursor_ + size > order_.size()) {
    // Fisher-Yates with our own generator, so epochs are reproducible.
    for (std::size_t i = order_.size(); i > 1; --i)
      std::swap(order_[i - 1], order_[static_cast<std::size_t>(rng_.next_u64() % i)]);
    cursor_ = 0;
  }
  batch_.resize(data_.rows(), options_.batch_size);
  for (Index j = 0; j < options_.batch_size; ++j)
    batch_.col(j) = data_.col(order_[cursor_ + static_cast<std::size_t>(j)]);
  cursor_ += size;
}

LikelihoodTerms LikelihoodObjective::evaluate_batch(ConstVectorRef theta, VectorRef gradient, Rng noise) {
  gradient = options_.weight_decay * theta;
  if (options_.deterministic || options_.batch_size == data_.cols()) {
    batch_.resize(0, 0);
    return model_.negative_log_likelihood(data_, noise, gradient);
  }
  next_batch();
  return model_.negative_log_likelihood(batch_, noise, gradient);
}

Scalar LikelihoodObjective::evaluate(ConstVectorRef theta, VectorRef gradient) {
  if (theta.data() != parameters_.values().data()) parameters_.values() = theta;
  const Scalar decay = 0.5 * options_.weight_decay * theta.squaredNorm();
  for (long consecutive = 1;; ++consecutive) {
    const Rng noise = options_.deterministic ? fixed_noise_ : rng_.split(rng_.next_u64());
    LikelihoodTerms terms;
    try {
      terms = evaluate_batch(theta, gradient, noise);
    } catch (const SolverError& error) {
      // An ODE state that became NaN or Inf is a non-finite step like any other;
      // a solver that gave up on finite values (max steps, step size) is not.
      if (options_.deterministic || error.failure() != SolverFailure::kNonFinite) throw;
      terms.nll = std::numeric_limits<Scalar>::quiet_NaN();
    }
    const Scalar loss = decay + terms.nll + terms.penalty;
    if (std::isfinite(loss) && gradient.allFinite()) {
      nonfinite_.reset();
      record(terms);
      if (options_.clip_gradient_norm > 0) {
        const Scalar norm = gradient.norm();
        if (norm > options_.clip_gradient_norm) gradient *= options_.clip_gradient_norm / norm;
      }
      return loss;
    }
    nonfinite_ = NonFiniteEvaluation{theta, gradient, batch_, noise, loss};
    if (options_.deterministic) return loss;
    if (options_.on_nonfinite == NonFinitePolicy::kStop)
      throw NumericalError(describe_nonfinite() + " (train.on_nonfinite: stop)");
    ++skipped_steps_;
    if (consecutive >= options_.max_consecutive_skips)
      throw NumericalError(std::to_string(consecutive) +
                           " steps in a row were skipped for a non-finite loss or gradient "
                           "(train.max_consecutive_skips: " +
                           std::to_string(options_.max_consecutive_skips) +
                           "); the last: " + describe_nonfinite());
  }
}

std::string LikelihoodObjective::locate_latest_nonfinite() {
  const NonFiniteEvaluation& bad = *nonfinite_;
  const Vector current = parameters_.values();
  parameters_.values() = bad.theta;
  std::string location =
      locate_nonfinite(model_, parameters_, bad.batch.size() > 0 ? bad.batch : data_, bad.noise, bad.gradient);
  parameters_.values() = current;
  return location;
}

std::string LikelihoodObjective::describe_nonfinite() {
  const Scalar loss = nonfinite_->loss;
  const std::string what = std::isfinite(loss) ? "the gradient is not finite"
                           : std::isnan(loss)  ? "the loss is nan"
                                               : std::string("the loss is ") + (loss > 0 ? "inf" : "-inf");
  return what + "; first non-finite value: " + locate_latest_nonfinite();
}

std::string LikelihoodObjective::with_location(const std::string& cause) {
  // In stochastic mode a non-finite evaluation has thrown with its location already.
  return nonfinite_ && options_.deterministic ? cause + "; first non-finite value: " + locate_latest_nonfinite()
                                              : cause;
}

}  // namespace liouville
