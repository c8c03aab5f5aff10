#include "liouville/registry/step_control_schema.hpp"

#include <optional>
#include <string>

namespace liouville {
namespace {

void declare_fixed_only(Schema& schema, const StepControl& defaults) {
  schema.boolean("adaptive")
      .default_value(false)
      .doc("Must be false: without an embedded error estimate the method takes fixed steps only.");
  schema.real("dt").required().greater_than(0).doc("Fixed step size.");
  schema.integer("max_steps").default_value(defaults.max_steps).min(1).doc("Most steps one solve may take.");
  schema.check([](const Params& params) -> std::optional<std::string> {
    if (params.get_bool("adaptive"))
      return params.type() +
             " has no embedded error estimate, so it takes fixed steps only: use adaptive: false with a "
             "step size dt, or a method with an embedded error estimate";
    return std::nullopt;
  });
}

void declare_adaptive_or_fixed(Schema& schema, const StepControl& defaults) {
  schema.boolean("adaptive")
      .default_value(defaults.adaptive)
      .doc("Adaptive step size (see controller); false = fixed steps.");
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
  schema.choice("controller", {"pi", "integral"})
      .default_value("pi")
      .doc(
          "Adaptive step-size controller for a local error O(h^k): pi, h * 0.9 err^(-0.7/k) err_previous^(0.4/k) "
          "(Hairer and Wanner), or integral, h * 0.9 err^(-1/k) (torchdiffeq, diffrax), which grows steps faster "
          "after very accurate ones; both change h by a factor in [0.2, 10].");
  schema.check([](const Params& params) -> std::optional<std::string> {
    if (!params.get_bool("adaptive") && params.get_real("dt") <= 0)
      return "adaptive: false needs a fixed step size dt > 0";
    return std::nullopt;
  });
}

}  // namespace

void declare_step_control(Schema& schema, StepSizing sizing) {
  const StepControl defaults;
  if (sizing == StepSizing::kFixedOnly)
    declare_fixed_only(schema, defaults);
  else
    declare_adaptive_or_fixed(schema, defaults);
}

StepControl read_step_control(const Params& params) {
  StepControl control;
  control.adaptive = params.get_bool("adaptive");
  control.dt = params.get_real("dt");
  control.max_steps = params.get_int("max_steps");
  if (params.has("rtol")) control.rtol = params.get_real("rtol");
  if (params.has("atol")) control.atol = params.get_real("atol");
  if (params.has("dt_min")) control.dt_min = params.get_real("dt_min");
  if (params.has("controller"))
    control.controller =
        params.get_string("controller") == "integral" ? StepController::kIntegral : StepController::kPi;
  return control;
}

}  // namespace liouville
