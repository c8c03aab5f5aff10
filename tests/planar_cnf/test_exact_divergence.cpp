// The exact trace estimator takes a field's closed-form divergence when it has
// one, and its values and reverse mode agree with the one-JVP-per-dimension path.
#include <doctest/doctest.h>

#include "liouville/core/trace_estimator.hpp"
#include "liouville/testing/gradient_check.hpp"
#include "planar_cnf_fixture.hpp"

namespace liouville::testing {
namespace {

// Forwards to a field, counting the calls, and offers its divergence only when
// told to (so the same field runs down either path of the estimator).
class CountingField final : public VectorField {
 public:
  CountingField(const VectorField& field, bool offer_divergence) : field_(field), offer_(offer_divergence) {}

  mutable int jvp_calls = 0;
  mutable int divergence_calls = 0;

  Index dim() const override { return field_.dim(); }
  double multiply_adds_per_column() const override { return field_.multiply_adds_per_column(); }
  void evaluate(Scalar t, ConstMatrixRef z, MatrixRef f) const override { field_.evaluate(t, z, f); }
  void jvp(Scalar t, ConstMatrixRef z, ConstMatrixRef v, MatrixRef f, MatrixRef jv) const override {
    ++jvp_calls;
    field_.jvp(t, z, v, f, jv);
  }
  Scalar vjp(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, MatrixRef z_bar,
             VectorRef theta_bar) const override {
    return field_.vjp(t, z, f_bar, z_bar, theta_bar);
  }
  Scalar jvp_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef v, ConstMatrixRef f_bar, ConstMatrixRef jv_bar,
                      MatrixRef z_bar, VectorRef theta_bar) const override {
    ++jvp_calls;
    return field_.jvp_backward(t, z, v, f_bar, jv_bar, z_bar, theta_bar);
  }
  bool has_divergence() const override { return offer_; }
  void divergence(Scalar t, ConstMatrixRef z, MatrixRef f, VectorRef div) const override {
    ++divergence_calls;
    field_.divergence(t, z, f, div);
  }
  Scalar divergence_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, ConstVectorRef div_bar,
                             MatrixRef z_bar, VectorRef theta_bar) const override {
    ++divergence_calls;
    return field_.divergence_backward(t, z, f_bar, div_bar, z_bar, theta_bar);
  }

 private:
  const VectorField& field_;
  bool offer_;
};

struct PathResult {
  Matrix f, z_bar;
  Vector trace, theta_bar;
  Scalar t_bar = 0;
};

PathResult run(const TraceEstimator& exact, const VectorField& field, Index parameters, Scalar t, const Matrix& z,
               const Matrix& f_bar, const Vector& trace_bar) {
  PathResult out;
  out.f.resize(z.rows(), z.cols());
  out.trace.resize(z.cols());
  out.z_bar.resize(z.rows(), z.cols());
  out.theta_bar = Vector::Zero(parameters);
  exact.evaluate(field, Matrix(), t, z, out.f, out.trace);
  out.t_bar = exact.backward(field, Matrix(), t, z, f_bar, trace_bar, out.z_bar, out.theta_bar);
  return out;
}

TEST_CASE("exact uses the closed-form divergence, and it agrees with the JVP path forward and backward") {
  const Registry& registry = planar_cnf_registry();
  for (const bool identity : {false, true}) {
    CAPTURE(identity);
    PlanarCnfConfig config;
    config.include_identity = identity;
    config.u_constraint = identity ? "flowjax" : "none";
    const auto built = build_planar_cnf(config, 3, 12);
    ParameterStore unused;
    Rng init_rng(1);
    RegistryBuildContext context(registry, unused, init_rng, 3);
    const auto exact = std::dynamic_pointer_cast<TraceEstimator>(
        registry.create(TraceEstimator::kInterface, Params("flow.trace", "exact"), context));
    REQUIRE(exact);

    Matrix z(3, 7), f_bar(3, 7);
    Vector trace_bar(7);
    Rng draws(13);
    draws.fill_normal(z);
    draws.fill_normal(f_bar);
    draws.fill_normal(trace_bar);
    const Index parameters = built->store.size();

    const CountingField analytic(*built->field, true);
    const PathResult fast = run(*exact, analytic, parameters, 0.35, z, f_bar, trace_bar);
    CHECK(analytic.divergence_calls == 2);
    CHECK(analytic.jvp_calls == 0);

    const CountingField by_jvp(*built->field, false);
    const PathResult slow = run(*exact, by_jvp, parameters, 0.35, z, f_bar, trace_bar);
    CHECK(by_jvp.divergence_calls == 0);
    CHECK(by_jvp.jvp_calls == 2 * 3);

    const auto close = [](const auto& a, const auto& b) {
      return (a - b).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, b.cwiseAbs().maxCoeff());
    };
    CHECK(close(fast.f, slow.f));
    CHECK(close(fast.trace, slow.trace));
    CHECK(close(fast.z_bar, slow.z_bar));
    CHECK(close(fast.theta_bar, slow.theta_bar));
    CHECK(std::abs(fast.t_bar - slow.t_bar) <= 1e-12 * std::max(1.0, std::abs(slow.t_bar)));
    CHECK(fast.theta_bar.cwiseAbs().maxCoeff() > 0);
  }
}

}  // namespace
}  // namespace liouville::testing
