// ODESolver: a one-step method (the stepper only). Step-size control, the
// integrate driver and statistics live in integrate.hpp, as in diffrax and odeint.
//
// A step from (t0, y0) with size h (negative h integrates backwards in time)
// writes y1 and, when error_order() > 0, an embedded error estimate. It also
// writes its stage derivatives into `stages` (rows x num_stages()*batch, stage i
// in columns [i*batch, (i+1)*batch)), which the driver keeps for the reverse pass.
// For first-same-as-last methods the driver passes first_stage_ready = true when
// stage 0 already holds F(t0, y0).
#pragma once

#include <string_view>

#include "liouville/core/component.hpp"
#include "liouville/core/ode_system.hpp"
#include "liouville/core/types.hpp"

namespace liouville {

// How an adaptive solve picks its next step from the error norm err of the last
// one (local error O(h^k)): PI, h * 0.9 err^(-0.7/k) err_previous^(0.4/k) (Hairer
// and Wanner II, IV.2), or integral, h * 0.9 err^(-1/k) (torchdiffeq, diffrax),
// which grows the step faster after a very accurate one.
enum class StepController { kPi, kIntegral };

// Step-size control settings of one solver instance.
struct StepControl {
  bool adaptive = true;
  Scalar dt = 0;  // fixed step size; for adaptive solves the first step (0 = automatic)
  Scalar rtol = 1e-6;
  Scalar atol = 1e-8;
  Scalar dt_min = 1e-10;  // relative to |t1 - t0|
  long max_steps = 100000;
  StepController controller = StepController::kPi;
};

class ODESolver : public Component {
 public:
  static constexpr std::string_view kInterface = "ODESolver";

  virtual int order() const = 0;
  virtual int error_order() const = 0;  // order of the embedded estimate; 0 = none
  virtual Index num_stages() const = 0;
  virtual bool first_same_as_last() const = 0;
  virtual const StepControl& control() const = 0;

  virtual void step(const OdeSystem& system, Scalar t0, Scalar h, ConstMatrixRef y0, MatrixRef stages,
                    bool first_stage_ready, MatrixRef y1, MatrixRef error) const = 0;

  // Reverse mode of one step: on entry y_bar is the cotangent of y1, on exit that
  // of y0; theta_bar accumulates. `stages` is what step() wrote.
  virtual void step_backward(const OdeSystem& system, Scalar t0, Scalar h, ConstMatrixRef y0,
                             ConstMatrixRef stages, MatrixRef y_bar, VectorRef theta_bar) const = 0;
};

}  // namespace liouville
