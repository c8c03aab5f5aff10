// Time per call of vector-field passes on a 2-D batch of 500 (the seed's batch
// size): the exact trace of planar_cnf (the seed's field) by its closed-form
// divergence against one JVP per dimension, and the mlp's passes with each time
// input. Prints figures; asserts nothing.
//
//   bench_vector_fields [REPETITIONS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "liouville/core/trace_estimator.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"

using namespace liouville;

namespace {

constexpr Index kDim = 2;
constexpr Index kBatch = 500;

// Forwards to a field but offers no divergence, so the exact estimator takes
// its JVP path.
class WithoutDivergence final : public VectorField {
 public:
  explicit WithoutDivergence(const VectorField& field) : field_(field) {}
  Index dim() const override { return field_.dim(); }
  double multiply_adds_per_column() const override { return field_.multiply_adds_per_column(); }
  void evaluate(Scalar t, ConstMatrixRef z, MatrixRef f) const override { field_.evaluate(t, z, f); }
  void jvp(Scalar t, ConstMatrixRef z, ConstMatrixRef v, MatrixRef f, MatrixRef jv) const override {
    field_.jvp(t, z, v, f, jv);
  }
  Scalar vjp(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, MatrixRef z_bar,
             VectorRef theta_bar) const override {
    return field_.vjp(t, z, f_bar, z_bar, theta_bar);
  }
  Scalar jvp_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef v, ConstMatrixRef f_bar, ConstMatrixRef jv_bar,
                      MatrixRef z_bar, VectorRef theta_bar) const override {
    return field_.jvp_backward(t, z, v, f_bar, jv_bar, z_bar, theta_bar);
  }
  bool has_divergence() const override { return false; }
  void divergence(Scalar, ConstMatrixRef, MatrixRef, VectorRef) const override {
    throw NotSupported("bench: divergence hidden");
  }
  Scalar divergence_backward(Scalar, ConstMatrixRef, ConstMatrixRef, ConstVectorRef, MatrixRef,
                             VectorRef) const override {
    throw NotSupported("bench: divergence hidden");
  }

 private:
  const VectorField& field_;
};

// Median over `repetitions` blocks of microseconds per call.
double microseconds_per_call(const std::function<void()>& call, int repetitions) {
  int calls = 1;
  for (;;) {  // calls per block: about 50 ms
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) call();
    if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(50)) break;
    calls *= 2;
  }
  std::vector<double> per_call;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) call();
    per_call.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / calls);
  }
  std::sort(per_call.begin(), per_call.end());
  return per_call[per_call.size() / 2];
}

template <class I>
std::shared_ptr<I> build(const Registry& registry, ParameterStore& store, const std::string& yaml) {
  Schema top;
  top.component("subject", I::kInterface).required();
  const Params params = bind(ConfigDocument::from_string("subject: " + yaml + "\n", "bench"), top, registry);
  Rng init(1);
  RegistryBuildContext context(registry, store, init, kDim);
  return context.create<I>(params, "subject");
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::stoi(argv[1]) : 7;
  Registry registry;
  registry.load_search_path();
  Matrix z(kDim, kBatch), f(kDim, kBatch), z_bar(kDim, kBatch), v(kDim, kBatch), jv(kDim, kBatch);
  Vector trace(kBatch), trace_bar = Vector::Ones(kBatch);
  Rng(3).fill_normal(z);
  Rng(4).fill_normal(v);
  std::printf("dim %ld, batch %ld, median of %d repetitions, microseconds per call\n", static_cast<long>(kDim),
              static_cast<long>(kBatch), repetitions);

  {
    ParameterStore store;
    const auto field =
        build<VectorField>(registry, store, "{type: planar_cnf, include_identity: true, u_constraint: flowjax}");
    const auto exact = build<TraceEstimator>(registry, store, "{type: exact}");
    const WithoutDivergence by_jvp(*field);
    Vector theta_bar = Vector::Zero(store.size());
    std::printf("planar_cnf (the seed's field: 20 units, relu gates 40 x 3; %ld parameters), exact trace\n",
                static_cast<long>(store.size()));
    for (const VectorField* path :
         {static_cast<const VectorField*>(field.get()), static_cast<const VectorField*>(&by_jvp)}) {
      const char* name = path == field.get() ? "closed-form divergence" : "one JVP per dimension";
      const double forward =
          microseconds_per_call([&] { exact->evaluate(*path, Matrix(), 0.5, z, f, trace); }, repetitions);
      const double backward = microseconds_per_call(
          [&] { exact->backward(*path, Matrix(), 0.5, z, f, trace_bar, z_bar, theta_bar); }, repetitions);
      std::printf("  %-24s evaluate %9.1f   backward %9.1f\n", name, forward, backward);
    }
  }

  std::printf("mlp hidden [64, 64], tanh\n");
  for (const char* time_input : {"none", "concat", "concatsquash"}) {
    ParameterStore store;
    const auto field = build<VectorField>(
        registry, store, std::string("{type: mlp, hidden: [64, 64], time_input: ") + time_input + "}");
    Vector theta_bar = Vector::Zero(store.size());
    const double evaluate = microseconds_per_call([&] { field->evaluate(0.5, z, f); }, repetitions);
    const double jvp = microseconds_per_call([&] { field->jvp(0.5, z, v, f, jv); }, repetitions);
    const double vjp = microseconds_per_call([&] { field->vjp(0.5, z, f, z_bar, theta_bar); }, repetitions);
    const double pair =
        microseconds_per_call([&] { field->jvp_backward(0.5, z, v, f, jv, z_bar, theta_bar); }, repetitions);
    std::printf("  time %-13s evaluate %7.1f   jvp %7.1f   vjp %7.1f   jvp_backward %7.1f\n", time_input, evaluate,
                jvp, vjp, pair);
  }
  return 0;
}
