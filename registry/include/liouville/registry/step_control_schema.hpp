// The step-control parameters every ODE solver plugin accepts (adaptive, dt,
// rtol, atol, dt_min, max_steps), declared once so all solvers agree.
#pragma once

#include "liouville/core/ode_solver.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/schema.hpp"

namespace liouville {

void declare_step_control(Schema& schema);
StepControl read_step_control(const Params& params);

}  // namespace liouville
