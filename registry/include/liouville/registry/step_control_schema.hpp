// The step-control parameters of ODE solver plugins, declared once so all
// solvers agree.
//
// A method with an embedded error estimate accepts adaptive, dt, rtol, atol,
// dt_min and max_steps. A method without one can only take fixed steps, so its
// schema offers no tolerances at all (a tolerance it would ignore is worse than
// an "unknown key" error): dt is required, and `adaptive` is accepted only as
// false, so a config switched from an adaptive method with `adaptive: false`
// still binds, while `adaptive: true` is refused naming the method.
#pragma once

#include "liouville/core/ode_solver.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/schema.hpp"

namespace liouville {

enum class StepSizing {
  kAdaptiveOrFixed,  // an embedded pair: PI-controlled or fixed steps
  kFixedOnly,        // no error estimate: fixed steps of size dt
};

void declare_step_control(Schema& schema, StepSizing sizing = StepSizing::kAdaptiveOrFixed);

// Reads the keys declare_step_control declared; the others keep StepControl's defaults.
StepControl read_step_control(const Params& params);

}  // namespace liouville
