// The training objective: the mean negative log-likelihood of a DensityModel on
// a data set, as a function of the flat parameter vector.
//
// Stochastic mode (Adam): every evaluation takes the next mini-batch of an epoch
// reshuffled each pass, and fresh noise for stochastic trace estimators.
// Deterministic mode (L-BFGS): every evaluation uses the full data set and the
// same noise, so the objective is one fixed function for the whole stage.
// An optional L2 penalty (weight_decay / 2) |theta|^2, a Gaussian prior on the
// parameters, is added in both modes.
#pragma once

#include <vector>

#include "liouville/core/density_model.hpp"
#include "liouville/core/optimizer.hpp"
#include "liouville/core/parameters.hpp"

namespace liouville {

class LikelihoodObjective final : public Objective {
 public:
  struct Options {
    Index batch_size = 0;  // 0 or >= the data size: full batch
    bool deterministic = false;
    Scalar weight_decay = 0;
  };

  LikelihoodObjective(const DensityModel& model, ParameterStore& parameters, const Matrix& data, Options options,
                      Rng rng);

  Index num_parameters() const override { return parameters_.size(); }
  Scalar evaluate(ConstVectorRef theta, VectorRef gradient) override;

 private:
  void next_batch();

  const DensityModel& model_;
  ParameterStore& parameters_;
  const Matrix& data_;
  Options options_;
  Rng rng_;
  Rng fixed_noise_;
  std::vector<Index> order_;
  std::size_t cursor_ = 0;
  Matrix batch_;
};

}  // namespace liouville
