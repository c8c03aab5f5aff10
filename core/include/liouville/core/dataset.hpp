// Dataset: where training data comes from (toy generators, files), optionally
// with fresh draws and an analytic log-density for evaluation.
#pragma once

#include <string_view>

#include "liouville/core/component.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/core/types.hpp"

namespace liouville {

class Dataset : public Component {
 public:
  static constexpr std::string_view kInterface = "Dataset";

  virtual Index dim() const = 0;

  // The training set, dim x n.
  virtual Matrix training_data(Rng& rng) const = 0;

  // Fresh draws from the data distribution (held-out evaluation).
  virtual bool can_sample() const = 0;
  virtual Matrix sample(Index n, Rng& rng) const = 0;  // NotSupported unless can_sample()

  virtual bool has_log_density() const = 0;
  virtual void log_density(ConstMatrixRef x, VectorRef log_p) const = 0;  // NotSupported unless has_log_density()
};

}  // namespace liouville
