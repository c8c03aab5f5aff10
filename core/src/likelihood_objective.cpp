#include "liouville/core/likelihood_objective.hpp"

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

Scalar LikelihoodObjective::record(const LikelihoodTerms& terms) {
  last_terms_ = terms;
  nll_sum_ += terms.nll;
  ++nll_count_;
  return terms.nll;
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

Scalar LikelihoodObjective::evaluate(ConstVectorRef theta, VectorRef gradient) {
  if (theta.data() != parameters_.values().data()) parameters_.values() = theta;
  gradient = options_.weight_decay * theta;
  const Scalar penalty = 0.5 * options_.weight_decay * theta.squaredNorm();
  if (options_.deterministic) {
    Rng noise = fixed_noise_;
    return penalty + record(model_.negative_log_likelihood(data_, noise, gradient));
  }
  Rng noise = rng_.split(rng_.next_u64());
  Scalar nll = 0;
  if (options_.batch_size == data_.cols()) {
    nll = record(model_.negative_log_likelihood(data_, noise, gradient));
  } else {
    next_batch();
    nll = record(model_.negative_log_likelihood(batch_, noise, gradient));
  }
  if (options_.clip_gradient_norm > 0) {
    const Scalar norm = gradient.norm();
    if (norm > options_.clip_gradient_norm) gradient *= options_.clip_gradient_norm / norm;
  }
  return penalty + nll;
}

}  // namespace liouville
