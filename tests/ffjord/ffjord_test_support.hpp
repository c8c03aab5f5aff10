// Shared pieces of the ffjord suite: a linear vector field whose flow is known in
// closed form, a build context that serves it next to the real plugins, and
// builders for the Params of registered components.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "liouville/core/errors.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/core/vector_field.hpp"
#include "liouville/registry/build_context.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::ffjord_test {

// f(t, z) = A z + b with A (dim x dim) and b (dim) in the parameter store:
// z(t) = expm(A (t - t0)) z(t0) when b = 0, and tr(df/dz) = tr(A) everywhere.
class LinearField final : public VectorField {
 public:
  LinearField(ParameterStore& store, const std::string& path, Index dim)
      : dim_(dim), a_(store.allocate(path + ".a", dim, dim)), b_(store.allocate(path + ".b", dim, 1)) {}

  Index dim() const override { return dim_; }
  double multiply_adds_per_column() const override { return static_cast<double>(dim_ * dim_); }
  const ParameterSlice& a() const { return a_; }
  const ParameterSlice& b() const { return b_; }

  void evaluate(Scalar, ConstMatrixRef z, MatrixRef f) const override {
    f.noalias() = a_.value() * z;
    f.colwise() += b_.value().col(0);
  }

  void jvp(Scalar t, ConstMatrixRef z, ConstMatrixRef v, MatrixRef f, MatrixRef jv) const override {
    evaluate(t, z, f);
    jv.noalias() = a_.value() * v;
  }

  Scalar vjp(Scalar, ConstMatrixRef z, ConstMatrixRef f_bar, MatrixRef z_bar, VectorRef theta_bar) const override {
    z_bar.noalias() = a_.value().transpose() * f_bar;
    a_.in(theta_bar).noalias() += f_bar * z.transpose();
    b_.in(theta_bar).col(0) += f_bar.rowwise().sum();
    return 0;
  }

  // J v = A v does not depend on z; its cotangent only reaches A.
  Scalar jvp_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef v, ConstMatrixRef f_bar, ConstMatrixRef jv_bar,
                      MatrixRef z_bar, VectorRef theta_bar) const override {
    vjp(t, z, f_bar, z_bar, theta_bar);
    a_.in(theta_bar).noalias() += jv_bar * v.transpose();
    return 0;
  }

  // Left to the trace estimators' JVP path, which these tests exercise.
  bool has_divergence() const override { return false; }
  void divergence(Scalar, ConstMatrixRef, MatrixRef, VectorRef) const override {
    throw NotSupported("test linear field: no closed-form divergence");
  }
  Scalar divergence_backward(Scalar, ConstMatrixRef, ConstMatrixRef, ConstVectorRef, MatrixRef,
                             VectorRef) const override {
    throw NotSupported("test linear field: no closed-form divergence");
  }

 private:
  Index dim_;
  ParameterSlice a_;
  ParameterSlice b_;
};

// The plugins of the build tree, loaded once per test process.
inline Registry& plugins(std::initializer_list<const char*> libraries) {
  static Registry registry;
  for (const char* name : libraries)
    registry.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_" + name + ".so");
  return registry;
}

// Builds components through the registry, except the test type "linear" (a
// LinearField of the context's dimension, or of the integer entry "dim").
class TestContext final : public BuildContext {
 public:
  TestContext(const Registry& registry, Index dim, std::uint64_t seed = 1)
      : registry_(registry), dim_(dim), rng_(seed) {}

  Index dim() const override { return dim_; }
  ParameterStore& parameters() override { return store_; }
  Rng& init_rng() override { return rng_; }

  std::shared_ptr<Component> create_component(std::string_view interface, const Params& params) override {
    if (params.type() != "linear") return registry_.create(interface, params, *this);
    linear_ =
        std::make_shared<LinearField>(store_, params.path(), params.has("dim") ? params.get_int("dim") : dim_);
    return linear_;
  }

  template <class I>
  std::shared_ptr<I> build(const Params& params) {
    auto built = std::dynamic_pointer_cast<I>(create_component(I::kInterface, params));
    if (!built) throw PluginError("test: '" + params.type() + "' is not a " + std::string(I::kInterface));
    return built;
  }

  const LinearField& linear() const { return *linear_; }

 private:
  const Registry& registry_;
  Index dim_;
  Rng rng_;
  ParameterStore store_;
  std::shared_ptr<LinearField> linear_;
};

// The Params of the registered component `type` at `path`: the defaults of its
// scalar and list entries, then `values`.
inline Params component_params(const Registry& registry, std::string_view interface, const std::string& type,
                               const std::string& path, const std::map<std::string, Value>& values = {}) {
  const RegisteredComponent* component = registry.find(interface, type);
  if (component == nullptr) throw PluginError("test: no " + std::string(interface) + " '" + type + "' is loaded");
  Params params(path, type);
  for (const auto& spec : component->schema.entries())
    if (spec->default_value() && spec->kind() != ValueKind::kComponent)
      params.set(spec->name(), *spec->default_value());
  for (const auto& [key, value] : values) params.set(key, value);
  return params;
}

inline Params linear_params(const std::string& path) { return Params(path, "linear"); }

// ffjord at "flow" over `tspan` with the given children (their paths must be
// flow.vector_field, flow.solver and flow.trace).
inline Params ffjord_params(const Registry& registry, Params field, Params solver, Params trace,
                            std::vector<double> tspan = {0.0, 1.0}) {
  Params params = component_params(registry, "Bijection", "ffjord", "flow", {{"tspan", Value{std::move(tspan)}}});
  params.set_child("vector_field", std::move(field));
  params.set_child("solver", std::move(solver));
  params.set_child("trace", std::move(trace));
  return params;
}

inline Params tsit5_adaptive(const Registry& registry, double tolerance) {
  return component_params(registry, "ODESolver", "tsit5", "flow.solver",
                          {{"adaptive", Value{true}}, {"rtol", Value{tolerance}}, {"atol", Value{tolerance}}});
}

inline Params tsit5_fixed(const Registry& registry, double dt) {
  return component_params(registry, "ODESolver", "tsit5", "flow.solver",
                          {{"adaptive", Value{false}}, {"dt", Value{dt}}});
}

inline Params trace_params(const Registry& registry, const std::string& type,
                           const std::map<std::string, Value>& values = {}) {
  return component_params(registry, "TraceEstimator", type, "flow.trace", values);
}

// The mlp of the CNF tests: tanh hidden layers and output, time concatenated.
inline Params concat_tanh_mlp_params(const Registry& registry, std::vector<long> hidden) {
  return component_params(registry, "VectorField", "mlp", "flow.vector_field",
                          {{"hidden", Value{std::move(hidden)}},
                           {"activation", Value{std::string("tanh")}},
                           {"output_activation", Value{std::string("tanh")}},
                           {"time_input", Value{std::string("concat")}}});
}

// A dim x batch matrix of standard normal draws.
inline Matrix random_batch(Index dim, Index batch, std::uint64_t seed) {
  Matrix x(dim, batch);
  Rng rng(seed);
  rng.fill_normal(x);
  return x;
}

}  // namespace liouville::ffjord_test
