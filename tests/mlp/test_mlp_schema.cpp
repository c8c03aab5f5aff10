// The mlp's schema as the host binds it: defaults are filled and bad values
// are rejected before anything is built.
#include <doctest/doctest.h>

#include "liouville/core/errors.hpp"
#include "liouville/registry/config.hpp"
#include "mlp_fixture.hpp"

namespace liouville::testing {
namespace {

TEST_CASE("the schema fills defaults and rejects bad values before anything is built") {
  Schema top;
  top.component("vector_field", VectorField::kInterface).required().doc("The field.");
  const auto bind_text = [&](const std::string& text) {
    return bind(ConfigDocument::from_string(text, "mlp_test.yaml"), top, mlp_registry());
  };

  const Params params = bind_text("vector_field: {type: mlp, hidden: [3]}\n");
  const Params& field = params.child("vector_field");
  CHECK(field.get_string("activation") == "tanh");
  CHECK(field.get_string("output_activation") == "identity");
  CHECK(field.get_string("time_input") == "none");
  CHECK(field.get_string("init") == "lux");
  ParameterStore store;
  Rng init_rng(1);
  RegistryBuildContext context(mlp_registry(), store, init_rng, 2);
  CHECK(context.create<VectorField>(params, "vector_field")->dim() == 2);

  CHECK_THROWS_AS(bind_text("vector_field: {type: mlp}\n"), ConfigError);
  CHECK_THROWS_WITH_AS(bind_text("vector_field: {type: mlp, hidden: []}\n"),
                       doctest::Contains("vector_field.hidden"), ConfigError);
  CHECK_THROWS_AS(bind_text("vector_field: {type: mlp, hidden: [3, 0]}\n"), ConfigError);
  CHECK_THROWS_AS(bind_text("vector_field: {type: mlp, hidden: [3], activation: gelu}\n"), ConfigError);
  CHECK_THROWS_AS(bind_text("vector_field: {type: mlp, hidden: [3], time_input: squash}\n"), ConfigError);
  CHECK_THROWS_AS(bind_text("vector_field: {type: mlp, hidden: [3], init: zeros}\n"), ConfigError);
}

}  // namespace
}  // namespace liouville::testing
