#include "liouville/registry/step_control_schema.hpp"

#include <optional>
#include <string>

namespace liouville {

void declare_step_control(Schema& schema) {
  const StepControl defaults;
  schema.boolean("adaptive")
      .default_value(defaults.adaptive)
      .doc("Adaptive step size (PI controller); false = fixed steps.");
  schema.real("dt")
      .default_value(defaults.dt)
      .min(0)
      .doc("Fixed step size, or first adaptive step; 0 = automatic.");
  schema.real("rtol").default_value(defaults.rtol).greater_than(0).doc("Relative tolerance of the local error.");
  schema.real("atol").default_value(defaults.atol).greater_than(0).doc("Absolute tolerance of the local error.");
  schema.real("dt_min")
      .default_value(defaults.dt_min)
      .greater_than(0)
      .doc("Smallest adaptive step, relative to |t1 - t0|; below it the solve fails.");
  schema.integer("max_steps")
      .default_value(defaults.max_steps)
      .min(1)
      .doc("Most steps (accepted + rejected) one solve may take.");
  schema.check([](const Params& params) -> std::optional<std::string> {
    if (!params.get_bool("adaptive") && params.get_real("dt") <= 0)
      return "adaptive: false needs a fixed step size dt > 0";
    return std::nullopt;
  });
}

StepControl read_step_control(const Params& params) {
  StepControl control;
  control.adaptive = params.get_bool("adaptive");
  control.dt = params.get_real("dt");
  control.rtol = params.get_real("rtol");
  control.atol = params.get_real("atol");
  control.dt_min = params.get_real("dt_min");
  control.max_steps = params.get_int("max_steps");
  return control;
}

}  // namespace liouville
