// Schema declaration: kinds, defaults, rules, and the one-line descriptions.
#include <doctest/doctest.h>

#include "liouville/core/errors.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/schema.hpp"

namespace liouville::testing {
namespace {

TEST_CASE("every kind has a name") {
  CHECK(std::string(to_string(ValueKind::kIntList)) == "int list");
  CHECK(std::string(to_string(ValueKind::kComponentList)) == "component list");
  CHECK(std::string(to_string(ValueKind::kSection)) == "section");
  CHECK(std::string(to_string(ValueKind::kReal)) == "real");
}

TEST_CASE("declared entries keep their kind, rules and order") {
  Schema schema;
  schema.integer_list("hidden").required().min(1).doc("Hidden layer widths.");
  schema.choice("activation", {"tanh", "relu"}).default_value("tanh").doc("Hidden activation.");
  schema.real("rtol").default_value(Value{1e-6}).greater_than(0).doc("Relative tolerance.");
  schema.component("solver", "ODESolver").default_value("tsit5").doc("ODE solver.");
  schema.real_list("tspan").default_value(Value{std::vector<double>{0, 1}}).min_size(2).max_size(2);

  REQUIRE(schema.entries().size() == 5);
  CHECK(schema.entries()[0]->name() == "hidden");
  CHECK(schema.entries()[4]->name() == "tspan");
  const ParameterSpec* rtol = schema.find("rtol");
  REQUIRE(rtol != nullptr);
  CHECK(rtol->kind() == ValueKind::kReal);
  CHECK(rtol->lower() == 0.0);
  CHECK(!rtol->lower_inclusive());
  CHECK(!rtol->upper());
  CHECK(std::get<double>(*rtol->default_value()) == 1e-6);
  CHECK(schema.find("solver")->interface() == "ODESolver");
  CHECK(schema.find("activation")->choices() == std::vector<std::string>{"tanh", "relu"});
  CHECK(schema.find("nothing") == nullptr);

  CHECK(schema.find("hidden")->describe() == "hidden (int list, required, >= 1): Hidden layer widths.");
  CHECK(schema.find("activation")->describe() ==
        "activation (choice, default tanh: tanh | relu): Hidden activation.");
  CHECK(rtol->describe() == "rtol (real, default 1e-06, > 0): Relative tolerance.");
  CHECK(schema.find("solver")->describe() == "solver (component of ODESolver, default tsit5): ODE solver.");
  CHECK(schema.find("tspan")->describe() == "tspan (real list, default [0, 1], exactly 2 items)");

  schema.real("t1").default_value(Value{10.0}).less_than(1e300);
  CHECK(schema.find("t1")->describe() == "t1 (real, default 10, < 1e+300)");
}

TEST_CASE("defaults are stored as their kind") {
  Schema schema;
  schema.real("dt").default_value(0);  // an int literal for a real
  schema.boolean("adaptive").default_value(Value{true});
  schema.boolean("verbose").default_value(0);
  schema.real_list("weights").default_value(Value{std::vector<long>{1, 2}});
  CHECK(std::get<double>(*schema.find("dt")->default_value()) == 0.0);
  CHECK(std::get<bool>(*schema.find("adaptive")->default_value()));
  CHECK(!std::get<bool>(*schema.find("verbose")->default_value()));
  CHECK(std::get<std::vector<double>>(*schema.find("weights")->default_value()) == std::vector<double>{1, 2});
}

TEST_CASE("a schema that contradicts itself is refused while it is declared") {
  Schema schema;
  schema.integer("n");
  CHECK_THROWS_AS(schema.real("n"), ConfigError);                               // declared twice
  CHECK_THROWS_AS(schema.integer("a.b"), ConfigError);                          // not a plain name
  CHECK_THROWS_AS(schema.integer(""), ConfigError);                             // no name
  CHECK_THROWS_AS(schema.integer("m").default_value(Value{1.5}), ConfigError);  // a real default for an int
  CHECK_THROWS_AS(schema.string("s").min(0), ConfigError);                      // a bound on a string
  CHECK_THROWS_AS(schema.real("r").min_size(1), ConfigError);                   // a size on a scalar
  CHECK_THROWS_AS(schema.choice("c", {}), ConfigError);                         // no options
  CHECK_THROWS_AS(schema.choice("d", {"x", "y"}).default_value("z"), ConfigError);
  CHECK_THROWS_AS(schema.integer("k").required().default_value(1), ConfigError);
  CHECK_THROWS_AS(schema.integer("j").default_value(1).required(), ConfigError);
  CHECK_THROWS_AS(schema.component_list("layers", "Bijection").default_value("planar"), ConfigError);
  CHECK_THROWS_AS(schema.check(nullptr), ConfigError);
  try {
    schema.integer("m2").default_value(Value{1.5});
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()) ==
          "schema: parameter 'm2': a default of type real does not fit an int parameter");
  }
}

TEST_CASE("sections nest schemas; a section list is required") {
  Schema schema;
  Schema& train = schema.section("train", "Training.");
  train.integer("seed").default_value(0);
  Schema& stages = train.section_list("stages", "Stages.");
  stages.integer("iterations").required();
  const ParameterSpec* spec = schema.find("train");
  REQUIRE(spec != nullptr);
  CHECK(spec->kind() == ValueKind::kSection);
  CHECK(spec->section() == &train);
  CHECK(spec->documentation() == "Training.");
  CHECK(train.find("stages")->is_required());
  CHECK(train.find("stages")->section()->find("iterations") != nullptr);
}

TEST_CASE("check rules are kept and run on Params") {
  Schema schema;
  schema.check([](const Params& params) -> std::optional<std::string> {
    if (params.get_real("t0") == params.get_real("t1")) return "t0 == t1";
    return std::nullopt;
  });
  REQUIRE(schema.checks().size() == 1);
  Params params("x", "");
  params.set("t0", 1L);
  params.set("t1", 1.0);
  CHECK(schema.checks()[0](params) == std::optional<std::string>("t0 == t1"));
  params.set("t1", 2.0);
  CHECK(!schema.checks()[0](params));
}

}  // namespace
}  // namespace liouville::testing
