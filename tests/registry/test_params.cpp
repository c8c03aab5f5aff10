// Params: typed getters, widening, and errors naming the path and the key.
#include <doctest/doctest.h>

#include "liouville/core/errors.hpp"
#include "liouville/registry/params.hpp"

namespace liouville::testing {
namespace {

std::string error_of(const auto& get) {
  try {
    get();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

Params solver() {
  Params params("model.flow[0].solver", "tsit5");
  params.set("adaptive", true);
  params.set("max_steps", 1000L);
  params.set("rtol", 1e-6);
  params.set("name", std::string("run"));
  params.set("hidden", std::vector<long>{64, 64});
  params.set("tspan", std::vector<double>{0, 1});
  params.set("tags", std::vector<std::string>{"a"});
  return params;
}

TEST_CASE("values come back as their type") {
  const Params params = solver();
  CHECK(params.path() == "model.flow[0].solver");
  CHECK(params.type() == "tsit5");
  CHECK(params.get_bool("adaptive"));
  CHECK(params.get_int("max_steps") == 1000);
  CHECK(params.get_real("rtol") == 1e-6);
  CHECK(params.get_real("max_steps") == 1000.0);  // an int widens to a real
  CHECK(params.get_string("name") == "run");
  CHECK(params.get_path("name") == std::filesystem::path("run"));
  CHECK(params.get_int_list("hidden") == std::vector<long>{64, 64});
  CHECK(params.get_real_list("tspan") == std::vector<double>{0, 1});
  CHECK(params.get_string_list("tags") == std::vector<std::string>{"a"});
  CHECK(params.has("rtol"));
  CHECK(!params.has("atol"));
}

TEST_CASE("a missing key or a value of another type names the path and the key") {
  const Params params = solver();
  CHECK(error_of([&] { params.get_real("atol"); }) == "model.flow[0].solver.atol: missing parameter 'atol'");
  CHECK(error_of([&] { params.get_int("rtol"); }) ==
        "model.flow[0].solver.rtol: expected an int, but the value is a real (1e-06)");
  CHECK(error_of([&] { params.get_bool("name"); }) ==
        "model.flow[0].solver.name: expected a bool, but the value is a string (run)");
  CHECK(error_of([&] { params.get_real_list("hidden"); }) ==
        "model.flow[0].solver.hidden: expected a real list, but the value is an int list ([64, 64])");
  CHECK(error_of([&] { params.child("rtol"); }) ==
        "model.flow[0].solver.rtol: is not a single component or section");
  CHECK(error_of([&] { params.children("vector_field"); }) ==
        "model.flow[0].solver.vector_field: missing list 'vector_field'");
}

TEST_CASE("children and lists of children") {
  Params flow("model.flow[0]", "ffjord");
  flow.set_child("solver", solver());
  flow.set_children("layers",
                    {Params("model.flow[0].layers[0]", "planar"), Params("model.flow[0].layers[1]", "radial")});
  CHECK(flow.has("solver"));
  CHECK(flow.child("solver").get_int("max_steps") == 1000);
  REQUIRE(flow.children("layers").size() == 2);
  CHECK(flow.children("layers")[1].type() == "radial");
  CHECK(error_of([&] { flow.get("solver"); }) == "model.flow[0].solver: is a component or section, not a value");
  CHECK(error_of([&] { flow.child("trace"); }) == "model.flow[0].trace: missing component or section 'trace'");
  Params root;
  CHECK(error_of([&] { root.get_int("seed"); }) == "seed: missing parameter 'seed'");
}

TEST_CASE("setting a key again replaces its value") {
  Params params = solver();
  params.set("rtol", 1e-8);
  CHECK(params.get_real("rtol") == 1e-8);
}

}  // namespace
}  // namespace liouville::testing
