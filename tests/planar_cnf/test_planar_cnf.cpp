// planar_cnf against its definition (a sample-by-sample reference) and through
// the VectorField conformance kit: every derivative, the closed-form divergence
// against the JVP diagonal, its reverse mode, over activations, the identity
// term, the flowjax constraint, dimensions and batch sizes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "liouville/core/errors.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/testing/vector_field_checks.hpp"
#include "planar_cnf_fixture.hpp"

namespace liouville::testing {
namespace {

std::string describe(const PlanarCnfConfig& c, Index dim, Index batch) {
  std::ostringstream text;
  text << "units " << c.units << ", h " << c.activation << ", gates " << c.gate_width << "x" << c.gate_depth << " "
       << c.gate_activation << ", identity " << c.include_identity << ", constraint " << c.u_constraint << ", dim "
       << dim << ", batch " << batch;
  return text.str();
}

std::vector<PlanarCnfConfig> smooth_configs() {
  std::vector<PlanarCnfConfig> configs;
  for (const char* h : {"tanh", "softplus", "sigmoid"})
    for (const bool identity : {false, true})
      for (const char* constraint : {"none", "flowjax"}) {
        PlanarCnfConfig c;
        c.activation = h;
        c.include_identity = identity;
        c.u_constraint = constraint;
        c.gate_activation = identity ? "softplus" : "tanh";
        configs.push_back(c);
      }
  PlanarCnfConfig linear_gates;  // gate_depth 0: g(t) = w t + b
  linear_gates.gate_depth = 0;
  linear_gates.units = 5;
  configs.push_back(linear_gates);
  return configs;
}

// Moves the entries of every w_i at least 0.3 away from 0. In dim 1 flowjax's
// constraint gives u_hat = m(w u) / w, whose finite differences in w lose
// accuracy as (step / w)^2 near w = 0.
void keep_w_from_zero(BuiltField& built) {
  const ParameterSliceInfo* w = built.store.find(kPlanarCnfPath + ".w");
  for (Index k = w->offset; k < w->offset + w->size(); ++k) {
    Scalar& entry = built.store.values()[k];
    entry = std::copysign(std::max(std::abs(entry), 0.3), entry);
  }
}

void check_kit(BuiltField& built, Scalar t, const Matrix& z, Rng& rng, const VectorFieldCheckOptions& options) {
  for (const auto& check : check_vector_field(*built.field, built.store, t, z, rng, options))
    CHECK_MESSAGE(check.passed, check.name << ": " << check.report);
}

TEST_CASE("planar_cnf evaluates its definition") {
  std::uint64_t seed = 3;
  for (const PlanarCnfConfig& c : smooth_configs())
    for (const Index dim : {1, 3}) {
      const auto built = build_planar_cnf(c, dim, seed++);
      Matrix z(dim, 5);
      Rng(seed).fill_normal(z);
      INFO(describe(c, dim, 5));
      Matrix f(dim, 5);
      built->field->evaluate(0.4, z, f);
      const Matrix expected = reference_field(built->store, c, 0.4, z).f;
      CHECK((f - expected).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, expected.cwiseAbs().maxCoeff()));
      CHECK(expected.cwiseAbs().maxCoeff() > 1e-3);  // the units contribute
    }
}

TEST_CASE("planar_cnf derivatives and divergence pass the vector-field checks") {
  std::uint64_t seed = 21;
  for (const PlanarCnfConfig& c : smooth_configs())
    for (const Index dim : {1, 2, 3})
      for (const Index batch : {1, 6}) {
        const auto built = build_planar_cnf(c, dim, seed);
        keep_w_from_zero(*built);
        Rng rng(seed++, 1);
        for (const Scalar t : {0.3, -0.8}) {
          Matrix z(dim, batch);
          rng.fill_normal(z);
          INFO(describe(c, dim, batch), ", t = ", t);
          check_kit(*built, t, z, rng, {});
        }
      }
}

TEST_CASE("the seed's field: 20 units, relu gates of width 40 and depth 3, identity term, flowjax constraint") {
  // The defaults are the seed's sizes and activations.
  const Registry& registry = planar_cnf_registry();
  Schema top;
  top.component("vector_field", VectorField::kInterface).required();
  const Params params =
      bind(ConfigDocument::from_string(
               "vector_field: {type: planar_cnf, include_identity: true, u_constraint: flowjax}\n", "seed.yaml"),
           top, registry);
  const Params& bound = params.child("vector_field");
  CHECK(bound.get_int("units") == 20);
  CHECK(bound.get_int("gate_width") == 40);
  CHECK(bound.get_int("gate_depth") == 3);
  CHECK(bound.get_string("gate_activation") == "relu");
  CHECK(bound.get_string("activation") == "tanh");
  ParameterStore store;
  Rng init_rng(2);
  RegistryBuildContext context(registry, store, init_rng, 2);
  const auto seed_field = context.create<VectorField>(params, "vector_field");
  REQUIRE(seed_field->has_divergence());
  // u, w, b: 20 (2 + 2 + 1); each gate: 1x40 + 40, 2 (40x40 + 40), 40 + 1.
  CHECK(store.size() == 20 * 5 + 20 * (40 + 40 + 2 * (1600 + 40) + 40 + 1));
  // Per column: w_i.z and u_i h(a_i); the 68 000 gate parameters act once per call, so a
  // CNF does not cut a batch into thread chunks for them.
  CHECK(seed_field->multiply_adds_per_column() == 20 * (2 + 2));

  PlanarCnfConfig seed;
  seed.units = 20;
  seed.gate_width = 40;
  seed.gate_depth = 3;
  seed.gate_activation = "relu";
  seed.include_identity = true;
  seed.u_constraint = "flowjax";
  seed.init_scale = 0.01;
  const auto built = build_planar_cnf(seed, 2, 4);
  const VectorField& field = *built->field;
  Matrix z(2, 4);
  Rng(5).fill_normal(z);
  Matrix f(2, 4), jv(2, 4), unit(2, 4), f_div(2, 4);
  Vector div(4);
  field.evaluate(0.6, z, f);
  const Matrix expected = reference_field(built->store, seed, 0.6, z).f;
  CHECK((f - expected).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, expected.cwiseAbs().maxCoeff()));
  field.divergence(0.6, z, f_div, div);
  CHECK((f_div - f).cwiseAbs().maxCoeff() == 0.0);
  Vector trace = Vector::Zero(4);
  for (Index i = 0; i < 2; ++i) {
    unit.setZero();
    unit.row(i).setOnes();
    field.jvp(0.6, z, unit, f, jv);
    trace += jv.row(i).transpose();
  }
  CHECK((div - trace).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, trace.cwiseAbs().maxCoeff()));
}

TEST_CASE("relu gates pass the vector-field checks away from their kinks") {
  PlanarCnfConfig c;
  c.units = 2;
  c.gate_width = 8;  // the seed's 40 x 3 relu gates have kinks every few 1e-3 in t
  c.gate_depth = 2;
  c.gate_activation = "relu";
  c.include_identity = true;
  c.u_constraint = "flowjax";
  const auto built = build_planar_cnf(c, 2, 9);
  keep_w_from_zero(*built);
  Matrix z(2, 5);
  Rng rng(9, 1);
  rng.fill_normal(z);
  // A time whose gate pre-activations all stay clear of relu's kink at 0, so
  // neither the finite differences nor the Taylor steps (h0 = 1e-4) cross it.
  Scalar t = 0;
  for (int k = 0; k < 400; ++k) {
    t = -1.0 + 0.005 * k;
    if (reference_field(built->store, c, t, z).smallest_gate_preactivation >= 0.01) break;
  }
  REQUIRE(reference_field(built->store, c, t, z).smallest_gate_preactivation >= 0.01);
  Matrix f(2, 5);
  built->field->evaluate(t, z, f);
  CHECK((f - reference_field(built->store, c, t, z).f).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, f.norm()));
  VectorFieldCheckOptions options;
  options.taylor_h0 = 1e-4;
  INFO("t = ", t);
  check_kit(*built, t, z, rng, options);
}

TEST_CASE("planar_cnf rejects bad configurations and blocks of the wrong shape") {
  Schema top;
  top.component("vector_field", VectorField::kInterface).required();
  const auto bind_text = [&](const std::string& text) {
    return bind(ConfigDocument::from_string(text, "planar_cnf_test.yaml"), top, planar_cnf_registry());
  };
  CHECK_THROWS_WITH_AS(bind_text("vector_field: {type: planar_cnf, units: 0}\n"),
                       doctest::Contains("vector_field.units"), ConfigError);
  CHECK_THROWS_AS(bind_text("vector_field: {type: planar_cnf, gate_width: 0}\n"), ConfigError);
  CHECK_THROWS_AS(bind_text("vector_field: {type: planar_cnf, gate_depth: -1}\n"), ConfigError);
  CHECK_THROWS_AS(bind_text("vector_field: {type: planar_cnf, activation: gelu}\n"), ConfigError);
  CHECK_THROWS_AS(bind_text("vector_field: {type: planar_cnf, u_constraint: paper}\n"), ConfigError);
  CHECK_THROWS_AS(bind_text("vector_field: {type: planar_cnf, init_scale: 0}\n"), ConfigError);

  const auto built = build_planar_cnf({}, 2);
  const VectorField& field = *built->field;
  Matrix z = Matrix::Zero(2, 3), f(2, 3), wrong(3, 3), z_bar(2, 3);
  Vector div(3), short_div(2);
  Vector theta_bar = Vector::Zero(built->store.size());
  Vector short_theta_bar = Vector::Zero(built->store.size() - 1);
  CHECK_THROWS_WITH_AS(field.evaluate(0, wrong, f), doctest::Contains("z is 3 x 3"), DataError);
  CHECK_THROWS_AS(field.jvp(0, z, wrong, f, f), DataError);
  CHECK_THROWS_AS(field.vjp(0, z, f, z_bar, short_theta_bar), DataError);
  CHECK_THROWS_AS(field.jvp_backward(0, z, z, f, wrong, z_bar, theta_bar), DataError);
  CHECK_THROWS_WITH_AS(field.divergence(0, z, f, short_div), doctest::Contains("div has 2 entries"), DataError);
  CHECK_THROWS_AS(field.divergence_backward(0, z, f, short_div, z_bar, theta_bar), DataError);
  CHECK_THROWS_AS(field.divergence_backward(0, z, f, div, z_bar, short_theta_bar), DataError);
}

}  // namespace
}  // namespace liouville::testing
