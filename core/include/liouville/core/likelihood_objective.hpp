// The training objective: the mean negative log-likelihood of a DensityModel on
// a data set plus its flow's regularization penalty (Tape::penalty), as a
// function of the flat parameter vector.
//
// Stochastic mode (Adam): every evaluation takes the next mini-batch of an epoch
// reshuffled each pass, and fresh noise for stochastic trace estimators.
// Deterministic mode (L-BFGS): every evaluation uses the full data set and the
// same noise, so the objective is one fixed function for the whole stage.
// An optional L2 penalty (weight_decay / 2) |theta|^2, a Gaussian prior on the
// parameters, is added in both modes. In stochastic mode the gradient can be
// clipped to a maximum Euclidean norm (rescaled, direction kept).
//
// Non-finite evaluations (see nonfinite.hpp). In stochastic mode the objective
// applies the policy itself: `stop` throws a NumericalError naming the component
// that produced the first NaN or Inf; `skip` discards the evaluation and evaluates
// the next mini-batch (with new noise) at the same theta, so the optimizer never
// sees the skipped step and neither its parameters nor its state (Adam's m, v, t)
// change. max_consecutive_skips non-finite evaluations in a row throw. An ODE
// solve whose state became non-finite (SolverError kNonFinite) counts as a
// non-finite evaluation; a solver that gave up otherwise stops the stage. In
// deterministic mode the value is returned as it is, whatever the policy: the
// function is fixed, so a skip would see the same value again, and a line search
// backs off from a non-finite trial point by itself; an optimizer that gives up
// on it throws, and with_location() names the component.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "liouville/core/density_model.hpp"
#include "liouville/core/nonfinite.hpp"
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
    NonFinitePolicy on_nonfinite = NonFinitePolicy::kStop;
    long max_consecutive_skips = 10;  // skip: this many non-finite evaluations in a row stop
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

  // The likelihood terms and the flow's penalty (without weight decay) of the
  // latest evaluation.
  const LikelihoodTerms& last_terms() const { return last_terms_; }

  // The mean NLL of the evaluations since the previous call: the training NLL
  // of the epoch that just ended.
  Scalar take_mean_nll();

  // Mini-batches skipped so far for a non-finite loss or gradient.
  long skipped_steps() const { return skipped_steps_; }

  // `cause` followed by the component that produced the non-finite value, when
  // the latest evaluation was non-finite (an optimizer's error about it).
  std::string with_location(const std::string& cause);

  State state() const;
  // Throws DataError when the state does not fit the data (a permutation of its columns).
  void restore(const State& state);

 private:
  // A non-finite evaluation, kept so its first non-finite value can be located.
  struct NonFiniteEvaluation {
    Vector theta;
    Vector gradient;
    Matrix batch;  // empty: the full data set
    Rng noise;
    Scalar loss;
  };

  void next_batch();
  void record(const LikelihoodTerms& terms);
  // One evaluation at theta on the next batch (or the full data) with `noise`.
  LikelihoodTerms evaluate_batch(ConstVectorRef theta, VectorRef gradient, Rng noise);
  // Where the latest (non-finite) evaluation's first NaN or Inf came from.
  std::string locate_latest_nonfinite();
  // "the loss is nan; first non-finite value: model.flow[1] (planar): ..."
  std::string describe_nonfinite();

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
  std::optional<NonFiniteEvaluation> nonfinite_;  // the latest evaluation, when it was non-finite
  long skipped_steps_ = 0;
};

}  // namespace liouville
