// A good library: what it registers, building its components, errors thrown
// while building, and objects that keep their library loaded.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "loader_test_support.hpp"

namespace liouville::testing {
namespace {

namespace fs = std::filesystem;

Params gaussian(const std::string& path, double scale, double shift) {
  Params params(path, "test/gaussian");
  params.set("scale", scale);
  params.set("shift", shift);
  return params;
}

struct Built {
  Registry registry;
  ParameterStore store;
  Rng rng{7};
  RegistryBuildContext context{registry, store, rng, 3};
  Built() {
    registry.load_library(good_plugin());
    registry.load_library(misbehaving_plugin());
  }
  std::string create_error(std::string_view interface, const Params& params) {
    try {
      registry.create(interface, params, context);
    } catch (const Error& error) {
      return error.what();
    }
    return "";
  }
};

TEST_CASE("a good library registers its components with their schemas, sorted") {
  Registry registry;
  registry.load_library(good_plugin());
  const auto all = registry.list();
  REQUIRE(all.size() == 3);
  CHECK(all[0]->info->interface == "Dataset");
  CHECK(all[1]->info->name == "test/first");
  CHECK(all[2]->info->name == "test/gaussian");
  CHECK(registry.names("Distribution") == std::vector<std::string>{"test/first", "test/gaussian"});
  CHECK(registry.list("Dataset").size() == 1);
  CHECK(registry.find("Dataset", "test/gaussian") == nullptr);

  const RegisteredComponent* found = registry.find("Distribution", "test/gaussian");
  REQUIRE(found != nullptr);
  CHECK(found->library_name == "loader_test_good");
  CHECK(!found->library_version.empty());
  CHECK(found->library_path == fs::canonical(good_plugin()).string());
  CHECK(found->info->summary == "Isotropic normal distribution (test plugin).");
  REQUIRE(found->schema.find("scale") != nullptr);
  CHECK(found->schema.find("scale")->describe() == "scale (real, default 1, > 0): Standard deviation.");
}

TEST_CASE("loading the same library twice, even through another path, is a no-op") {
  Registry registry;
  registry.load_library(good_plugin());
  registry.load_library(good_plugin().parent_path() / "." / good_plugin().filename());
  CHECK(registry.list().size() == 3);
  CHECK(registry.failures().empty());
}

TEST_CASE("a built component computes what its parameters say") {
  Built built;
  auto made = built.registry.create("Distribution", gaussian("base", 2.0, 1.0), built.context);
  auto distribution = std::dynamic_pointer_cast<Distribution>(made);
  REQUIRE(distribution != nullptr);
  REQUIRE(distribution->dim() == 3);
  Matrix z(3, 2);
  z << 1, 3, 1, -1, 1, 1;
  Vector log_p(2);
  distribution->log_density(z, log_p);
  const double normalizer = -1.5 * std::log(2 * std::numbers::pi * 4.0);
  CHECK(log_p(0) == doctest::Approx(normalizer));
  CHECK(log_p(1) == doctest::Approx(normalizer - 0.5 * (1.0 + 1.0)));
}

TEST_CASE("components compose others through the RegistryBuildContext") {
  Built built;
  Params points("data", "test/points");
  points.set("n", 5L);
  points.set_child("source", gaussian("data.source", 1.0, 4.0));
  auto dataset = built.context.create<Dataset>(
      [&] {
        Params root;
        root.set_child("data", points);
        return root;
      }(),
      "data");
  const Matrix drawn = dataset->training_data(built.rng);
  CHECK(drawn.rows() == 3);
  CHECK(drawn.cols() == 5);
  CHECK(drawn.mean() > 2.0);  // the shift 4 is used, not the default 0
}

TEST_CASE("a built object keeps its library loaded after the registry is gone") {
  std::shared_ptr<Distribution> distribution;
  {
    Built built;
    distribution = std::dynamic_pointer_cast<Distribution>(
        built.registry.create("Distribution", gaussian("base", 1.0, 0.0), built.context));
  }
  Rng rng(3);
  Matrix z(3, 4);
  distribution->sample(rng, z);  // code of the plugin library
  CHECK(z.allFinite());
  CHECK(z.squaredNorm() > 0);
}

TEST_CASE("a ConfigError thrown by a constructor names the config path") {
  Built built;
  const std::string message = built.create_error("Distribution", Params("model.base", "test/throws_config_error"));
  CHECK(contains(message, "model.base (Distribution 'test/throws_config_error'): width must be even"));
  CHECK_THROWS_AS(
      built.registry.create("Distribution", Params("model.base", "test/throws_config_error"), built.context),
      ConfigError);
}

TEST_CASE("another exception thrown by a constructor becomes a PluginError naming the path") {
  Built built;
  const Params params("model.base", "test/throws_runtime_error");
  CHECK_THROWS_AS(built.registry.create("Distribution", params, built.context), PluginError);
  CHECK(contains(built.create_error("Distribution", params),
                 "model.base (Distribution 'test/throws_runtime_error'): out of coffee"));
}

TEST_CASE("an error deep inside a composed component names the innermost path once") {
  Built built;
  Params first("model.base", "test/first");
  first.set_children("parts", {Params("model.base.parts[0]", "test/throws_config_error")});
  const std::string message = built.create_error("Distribution", first);
  CHECK(contains(message, "model.base.parts[0] (Distribution 'test/throws_config_error'): width must be even"));
  CHECK(message.find("model.base (") == std::string::npos);
}

TEST_CASE("a component that does not implement its registered interface is refused when built") {
  Built built;
  const Params params("model.flow[0]", "test/not_a_bijection");
  CHECK_THROWS_AS(built.registry.create("Bijection", params, built.context), PluginError);
  const std::string message = built.create_error("Bijection", params);
  CHECK(contains(message, "model.flow[0] (Bijection 'test/not_a_bijection')"));
  CHECK(contains(message, "is not a Bijection"));
  CHECK(contains(message, misbehaving_plugin().filename().string()));
}

TEST_CASE("an unknown or missing type names the path and the registered names") {
  Built built;
  const std::string unknown = built.create_error("Distribution", Params("model.base", "test/gausian"));
  CHECK(contains(unknown, "model.base: unknown Distribution 'test/gausian'"));
  CHECK(contains(unknown, "test/gaussian"));
  CHECK(contains(built.create_error("Distribution", Params("model.base", "")), "model.base: no `type:`"));
}

}  // namespace
}  // namespace liouville::testing
