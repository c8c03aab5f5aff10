// DensityModel: a base distribution pushed through a flow,
//     log p(x) = log p_z(f(x)) + log|det df/dx|,   f = flow.forward (data -> base),
// with the gradient of the mean negative log-likelihood and sampling through the
// inverse flow.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "liouville/core/bijection.hpp"
#include "liouville/core/distribution.hpp"

namespace liouville {

// The mean negative log-likelihood of a batch and the two parts Glow's training
// curves show (seed 003): for a standard normal base,
//   nll = half_squared_norm + (d / 2) log(2 pi) - logdet.
struct LikelihoodTerms {
  Scalar nll = 0;
  Scalar half_squared_norm = 0;  // mean of |z|^2 / 2 over the batch
  Scalar logdet = 0;             // mean of log|det dz/dx| over the batch
  Scalar penalty = 0;            // the flow's regularization (Tape::penalty), not part of nll
};

// The config names of a model's parts, for messages: the base,
// "model.base (standard_normal)", and each top-level flow layer,
// "model.flow[3] (planar)". Empty names fall back to "flow layer 3".
struct ModelLabels {
  std::string base;
  std::vector<std::string> layers;
};

class DensityModel {
 public:
  // Throws ConfigError if the base and flow dimensions differ.
  DensityModel(std::shared_ptr<Distribution> base, std::shared_ptr<Bijection> flow, ModelLabels labels = {});

  Index dim() const { return flow_->dim(); }
  const Distribution& base() const { return *base_; }
  const Bijection& flow() const { return *flow_; }
  const ModelLabels& labels() const { return labels_; }

  // Columns per pass of log_density and sample. The columns are independent
  // samples, so they are pushed through the flow in blocks of this many: an
  // adaptive CNF solve then takes the steps its block needs rather than those
  // of every region of a large batch at once (a 200 x 200 density grid of an
  // FFJORD toy: 35 evaluations per block instead of 80 for the whole grid), and
  // memory stays bounded. Fixed, so results do not depend on the thread count.
  static constexpr Index kEvaluationBlock = 1024;

  // log p(x) per column.
  Vector log_density(ConstMatrixRef x, Rng& noise) const;

  // Mean negative log-likelihood over the columns of x and the flow's
  // regularization penalty; the gradient of nll + penalty with respect to the
  // flat parameter vector is added into theta_bar.
  LikelihoodTerms negative_log_likelihood(ConstMatrixRef x, Rng& noise, VectorRef theta_bar) const;

  // n samples: z ~ base (drawn at once), x = flow.inverse(z).
  Matrix sample(Index n, Rng& rng) const;

 private:
  std::shared_ptr<Distribution> base_;
  std::shared_ptr<Bijection> flow_;
  ModelLabels labels_;
};

}  // namespace liouville
