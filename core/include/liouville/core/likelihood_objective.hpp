// The training objective: the mean negative log-likelihood of a DensityModel on
// a data set, as a function of the flat parameter vector.
//
// Stochastic mode (Adam): every evaluation takes the next mini-batch of an epoch
// reshuffled each pass, and fresh noise for stochastic trace estimators.
// Deterministic mode (L-BFGS): every evaluation uses the full data set and the
// same noise, so the objective is one fixed function for the whole stage.
// An optional L2 penalty (weight_decay / 2) |theta|^2, a Gaussian prior on the
// parameters, is added in both modes. In stochastic mode the gradient can be
// clipped to a maximum Euclidean norm (rescaled, direction kept).
#pragma once

#include <vector>

#include "liouville/core/density_model.hpp"
#include "liouville/core/optimizer.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"

namespace liouville {

// Mini-batches per pass over n points: floor(n / batch_size), as the last
// incomplete batch of an epoch is dropped; 1 for a full batch (batch_size 0 or >= n).
inline Index batches_per_epoch(Index n, Index batch_size) {
  return batch_size <= 0 || batch_size >= n ? 1 : n / batch_size;
}

class LikelihoodObjective final : public Objective {
 public:
  struct Options {
    Index batch_size = 0;  // 0 or >= the data size: full batch
    bool deterministic = false;
    Scalar weight_decay = 0;
    Scalar clip_gradient_norm = 0;  // 0: no clipping; stochastic mode only
  };

  // Where the objective is in its stream of mini-batches and noise, so a
  // restored objective evaluates exactly what this one would have next.
  struct State {
    Rng::State rng;
    std::vector<Index> order;  // the current epoch's permutation of the data
    Index cursor = 0;          // next position in `order`
    Scalar nll_sum = 0;        // of the current epoch so far
    long nll_count = 0;
  };

  LikelihoodObjective(const DensityModel& model, ParameterStore& parameters, const Matrix& data, Options options,
                      Rng rng);

  Index num_parameters() const override { return parameters_.size(); }
  Scalar evaluate(ConstVectorRef theta, VectorRef gradient) override;

  Index batches_per_epoch() const { return liouville::batches_per_epoch(data_.cols(), options_.batch_size); }

  // The likelihood terms (without the penalty) of the latest evaluation.
  const LikelihoodTerms& last_terms() const { return last_terms_; }

  // The mean NLL of the evaluations since the previous call: the training NLL
  // of the epoch that just ended.
  Scalar take_mean_nll();

  State state() const;
  // Throws DataError when the state does not fit the data (a permutation of its columns).
  void restore(const State& state);

 private:
  void next_batch();
  Scalar record(const LikelihoodTerms& terms);

  const DensityModel& model_;
  ParameterStore& parameters_;
  const Matrix& data_;
  Options options_;
  Rng rng_;
  Rng fixed_noise_;
  std::vector<Index> order_;
  std::size_t cursor_ = 0;
  Matrix batch_;
  LikelihoodTerms last_terms_;
  Scalar nll_sum_ = 0;
  long nll_count_ = 0;
};

}  // namespace liouville
