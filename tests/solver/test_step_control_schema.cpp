// The step-control parameters solver plugins declare: the full set for methods
// with an embedded error estimate, fixed steps only for the others.
#include <doctest/doctest.h>

#include "liouville/registry/step_control_schema.hpp"

namespace liouville {
namespace {

Params step_control_params(bool adaptive, double dt) {
  Params params("model.flow[0].solver", "tsit5");
  params.set("adaptive", Value{adaptive});
  params.set("dt", Value{dt});
  params.set("rtol", Value{1e-5});
  params.set("atol", Value{1e-7});
  params.set("dt_min", Value{1e-9});
  params.set("max_steps", Value{123L});
  params.set("controller", Value{std::string("integral")});
  return params;
}

TEST_CASE("declare_step_control declares the StepControl fields with its defaults") {
  Schema schema;
  declare_step_control(schema);
  const StepControl defaults;
  struct Expected {
    const char* name;
    ValueKind kind;
    Value value;
  };
  for (const Expected& expected : {Expected{"adaptive", ValueKind::kBool, Value{defaults.adaptive}},
                                   Expected{"dt", ValueKind::kReal, Value{defaults.dt}},
                                   Expected{"rtol", ValueKind::kReal, Value{defaults.rtol}},
                                   Expected{"atol", ValueKind::kReal, Value{defaults.atol}},
                                   Expected{"dt_min", ValueKind::kReal, Value{defaults.dt_min}},
                                   Expected{"max_steps", ValueKind::kInt, Value{defaults.max_steps}},
                                   Expected{"controller", ValueKind::kChoice, Value{std::string("pi")}}}) {
    CAPTURE(expected.name);
    const ParameterSpec* spec = schema.find(expected.name);
    REQUIRE(spec != nullptr);
    CHECK(spec->kind() == expected.kind);
    REQUIRE(spec->default_value().has_value());
    CHECK(*spec->default_value() == expected.value);
    CHECK(!spec->documentation().empty());
  }
  CHECK(schema.entries().size() == 7);
  CHECK(defaults.controller == StepController::kPi);
  CHECK(*schema.find("rtol")->lower() == 0);
  CHECK(!schema.find("rtol")->lower_inclusive());
  CHECK(*schema.find("dt")->lower() == 0);
  CHECK(schema.find("dt")->lower_inclusive());
  CHECK(*schema.find("max_steps")->lower() == 1);
}

TEST_CASE("the step-control check needs dt > 0 for fixed steps") {
  Schema schema;
  declare_step_control(schema);
  REQUIRE(schema.checks().size() == 1);
  const auto& rule = schema.checks().front();
  CHECK(!rule(step_control_params(true, 0)).has_value());
  CHECK(!rule(step_control_params(false, 0.1)).has_value());
  const auto message = rule(step_control_params(false, 0));
  REQUIRE(message.has_value());
  CHECK(message->find("dt > 0") != std::string::npos);
}

TEST_CASE("read_step_control reads every field") {
  const StepControl control = read_step_control(step_control_params(false, 0.05));
  CHECK(!control.adaptive);
  CHECK(control.dt == 0.05);
  CHECK(control.rtol == 1e-5);
  CHECK(control.atol == 1e-7);
  CHECK(control.dt_min == 1e-9);
  CHECK(control.max_steps == 123);
  CHECK(control.controller == StepController::kIntegral);
}

TEST_CASE("fixed-only step control: a required dt, no tolerances, adaptive only as false") {
  Schema schema;
  declare_step_control(schema, StepSizing::kFixedOnly);
  CHECK(schema.entries().size() == 3);
  for (const char* absent : {"rtol", "atol", "dt_min"}) CHECK(schema.find(absent) == nullptr);
  REQUIRE(schema.find("dt") != nullptr);
  CHECK(schema.find("dt")->is_required());
  CHECK(!schema.find("dt")->lower_inclusive());
  CHECK(*schema.find("adaptive")->default_value() == Value{false});
  CHECK(*schema.find("max_steps")->default_value() == Value{StepControl{}.max_steps});

  REQUIRE(schema.checks().size() == 1);
  Params params("model.flow[0].solver", "rk4");
  params.set("adaptive", Value{false});
  params.set("dt", Value{0.05});
  params.set("max_steps", Value{77L});
  CHECK(!schema.checks().front()(params).has_value());
  const StepControl control = read_step_control(params);
  CHECK(!control.adaptive);
  CHECK(control.dt == 0.05);
  CHECK(control.max_steps == 77);
  CHECK(control.rtol == StepControl{}.rtol);  // unused without adaptive steps, left at its default

  params.set("adaptive", Value{true});
  const auto message = schema.checks().front()(params);
  REQUIRE(message.has_value());
  CHECK(message->find("rk4 has no embedded error estimate") != std::string::npos);
  CHECK(message->find("fixed steps only") != std::string::npos);
}

}  // namespace
}  // namespace liouville
