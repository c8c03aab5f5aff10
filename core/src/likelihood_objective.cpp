#include "liouville/core/likelihood_objective.hpp"

#include <numeric>
#include <utility>

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
  if (options_.batch_size <= 0 || options_.batch_size >= data.cols()) options_.batch_size = data.cols();
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
    return penalty + model_.negative_log_likelihood(data_, noise, gradient);
  }
  Rng noise = rng_.split(rng_.next_u64());
  if (options_.batch_size == data_.cols()) return penalty + model_.negative_log_likelihood(data_, noise, gradient);
  next_batch();
  return penalty + model_.negative_log_likelihood(batch_, noise, gradient);
}

}  // namespace liouville
