// Bijection: an invertible map between data space and base space.
//
// DIRECTION. `forward` maps data x to base z (the normalizing direction, used for
// density evaluation and training) and returns logdet = log|det dz/dx| per
// sample; `inverse` maps base z to data x (sampling) and returns
// log|det dx/dz|. The density of the data is
//     log p_x(x) = log p_z(forward(x)) + logdet(x).
// The `invert` combinator flips a bijection.
//
// Reverse mode: `backward` takes the cotangents of z and of logdet, writes the
// cotangent of x and adds the parameter cotangent into `theta_bar`, a flat vector
// with the model's parameter layout. What forward needs to keep for backward goes
// into a Tape; a bijection may instead recompute it from x or z (memory-light).
// Methods are const and re-entrant: all per-call state lives in the Tape.
#pragma once

#include <memory>
#include <string_view>

#include "liouville/core/component.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/core/types.hpp"

namespace liouville {

// What a forward pass recorded for its reverse pass.
//
// A bijection may also add a regularization penalty to the training loss (RNODE's
// kinetic and Jacobian terms, Finlay et al. 2020): forward stores its value in
// `penalty`, and backward adds penalty_bar times the penalty's gradient to x_bar
// and theta_bar. The caller sets penalty_bar between forward and backward; at 0
// (the default) backward is the plain reverse mode of (z, logdet). A forward pass
// without a tape (evaluation) computes no penalty.
class Tape {
 public:
  Tape() = default;
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;
  virtual ~Tape();

  Scalar penalty = 0;
  Scalar penalty_bar = 0;
};

class Bijection : public Component {
 public:
  static constexpr std::string_view kInterface = "Bijection";

  virtual Index dim() const = 0;

  // x -> z with logdet = log|det dz/dx|. `noise` feeds stochastic estimators
  // (Hutchinson); `tape`, when not null, receives what `backward` needs.
  virtual void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
                       std::unique_ptr<Tape>* tape) const = 0;

  // z -> x with logdet = log|det dx/dz|. Throws NotSupported without an inverse.
  virtual void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const = 0;

  // Reverse mode of forward at (x, z = forward(x)): x_bar is overwritten,
  // theta_bar is accumulated (+=). `tape` is what forward recorded.
  virtual void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                        ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const = 0;
};

}  // namespace liouville
