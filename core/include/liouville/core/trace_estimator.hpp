// TraceEstimator: tr(df/dz) per sample, the rate of change of the log-density in
// a continuous flow (Liouville's equation d log p/dt = -tr(df/dz)).
//
// Stochastic estimators (Hutchinson) draw their probes once per solve with
// `draw_probes` and keep them fixed for the whole solve (and, for L-BFGS, for the
// whole stage): an adaptive solver must integrate one fixed function.
#pragma once

#include <string_view>

#include "liouville/core/component.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/core/types.hpp"
#include "liouville/core/vector_field.hpp"

namespace liouville {

class TraceEstimator : public Component {
 public:
  static constexpr std::string_view kInterface = "TraceEstimator";

  virtual bool is_stochastic() const = 0;

  // Probes for one solve over a dim x batch state; an empty matrix when the
  // estimator is deterministic. With k probes per sample the matrix is
  // dim x (k batch), sample-major: sample j owns columns [j k, (j + 1) k), so the
  // probes of a chunk of samples are a contiguous block (threads split batches).
  virtual Matrix draw_probes(Index dim, Index batch, Rng& rng) const = 0;

  // f = field(t, z) and trace(j) ~ tr(df/dz) at column j.
  virtual void evaluate(const VectorField& field, ConstMatrixRef probes, Scalar t, ConstMatrixRef z, MatrixRef f,
                        VectorRef trace) const = 0;

  // Reverse mode with respect to (z, theta): z_bar overwritten, theta_bar
  // accumulated. Returns the cotangent of t.
  virtual Scalar backward(const VectorField& field, ConstMatrixRef probes, Scalar t, ConstMatrixRef z,
                          ConstMatrixRef f_bar, ConstVectorRef trace_bar, MatrixRef z_bar,
                          VectorRef theta_bar) const = 0;
};

}  // namespace liouville
