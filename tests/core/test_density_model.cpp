#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "liouville/core/chain.hpp"
#include "liouville/core/density_model.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/likelihood_objective.hpp"
#include "liouville/testing/gradient_check.hpp"
#include "toy_components.hpp"

using namespace liouville;
using liouville::testing::check_gradient;
using liouville::testing::taylor_test;

namespace {

struct ChainModel {
  ParameterStore store;
  std::shared_ptr<Bijection> flow;
  std::unique_ptr<DensityModel> model;

  explicit ChainModel(Index dim) {
    auto affine = std::make_shared<test::ElementwiseAffine>(store, "affine", dim);
    auto bend = std::make_shared<test::ElementwiseTanh>(store, "bend", dim);
    auto affine2 = std::make_shared<test::ElementwiseAffine>(store, "affine2", dim);
    flow = std::make_shared<Chain>(std::vector<std::shared_ptr<Bijection>>{affine, bend, affine2});
    model = std::make_unique<DensityModel>(std::make_shared<test::StandardGaussian>(dim), flow);
    Rng rng(3);
    rng.fill_uniform(store.values(), -0.5, 0.5);
  }
};

}  // namespace

TEST_CASE("an affine density model has the Gaussian log-density it implies") {
  ParameterStore store;
  auto affine = std::make_shared<test::ElementwiseAffine>(store, "affine", 1);
  DensityModel model(std::make_shared<test::StandardGaussian>(1), affine);
  // z = exp(s) x + b with s = log(1/0.7), b = -6/0.7 maps N(6, 0.7) to N(0, 1).
  store.values() << std::log(1 / 0.7), -6 / 0.7;
  Matrix x(1, 3);
  x << 5.0, 6.0, 7.5;
  Rng noise(0);
  const Vector log_p = model.log_density(x, noise);
  for (Index j = 0; j < 3; ++j) {
    const double u = (x(0, j) - 6) / 0.7;
    CHECK(log_p[j] ==
          doctest::Approx(-0.5 * u * u - std::log(0.7 * std::sqrt(2 * std::numbers::pi))).epsilon(1e-14));
  }
  Rng rng(5);
  const Matrix samples = model.sample(100000, rng);
  CHECK(std::abs(samples.mean() - 6) < 4 * 0.7 / std::sqrt(1e5));
}

TEST_CASE("the NLL gradient through a chain matches finite differences") {
  ChainModel m(3);
  Matrix x(3, 5);
  Rng(11).fill_normal(x);
  auto nll = [&](const Vector& theta) {
    m.store.values() = theta;
    Vector unused = Vector::Zero(theta.size());
    Rng noise(0);
    return m.model->negative_log_likelihood(x, noise, unused).nll;
  };
  const Vector theta = m.store.values();
  Vector gradient = Vector::Zero(theta.size());
  Rng noise(0);
  m.model->negative_log_likelihood(x, noise, gradient);
  const auto check = check_gradient(nll, theta, gradient);
  CHECK_MESSAGE(check.max_relative_error < 1e-6, check.report());
  const Vector direction = Vector::Ones(theta.size());
  const auto taylor = taylor_test(nll, theta, gradient, direction);
  CHECK_MESSAGE(taylor.passes(), taylor.report());
}

TEST_CASE("a chain backpropagates the input cotangent through every layer") {
  ChainModel m(2);
  Matrix x(2, 4);
  Rng(12).fill_normal(x);
  Matrix a(2, 4);
  Rng(13).fill_normal(a);
  Vector b(4);
  b << 0.3, -0.2, 0.5, 1.0;
  Rng noise(0);
  auto loss = [&](const Vector& flat_x) {
    const Matrix input = testing::unflatten(flat_x, 2, 4);
    Matrix z(2, 4);
    Vector logdet(4);
    m.flow->forward(input, z, logdet, noise, nullptr);
    return (a.array() * z.array()).sum() + b.dot(logdet);
  };
  Matrix z(2, 4);
  Vector logdet(4);
  std::unique_ptr<Tape> tape;
  m.flow->forward(x, z, logdet, noise, &tape);
  Matrix x_bar(2, 4);
  Vector theta_bar = Vector::Zero(m.store.size());
  m.flow->backward(tape.get(), x, z, a, b, x_bar, theta_bar);
  const auto check = check_gradient(loss, testing::flatten(x), testing::flatten(x_bar));
  CHECK_MESSAGE(check.max_relative_error < 1e-6, check.report());
}

TEST_CASE("chain inverse undoes forward and mismatched layers are refused") {
  ParameterStore store;
  auto first = std::make_shared<test::ElementwiseAffine>(store, "a", 2);
  auto second = std::make_shared<test::ElementwiseAffine>(store, "b", 2);
  Rng(4).fill_uniform(store.values(), -1, 1);
  Chain chain({first, second});
  Matrix x(2, 6), z(2, 6), back(2, 6);
  Rng(5).fill_normal(x);
  Vector forward_logdet(6), inverse_logdet(6);
  Rng noise(0);
  chain.forward(x, z, forward_logdet, noise, nullptr);
  chain.inverse(z, back, inverse_logdet, noise);
  CHECK((back - x).cwiseAbs().maxCoeff() < 1e-14);
  CHECK((forward_logdet + inverse_logdet).cwiseAbs().maxCoeff() < 1e-14);

  ParameterStore other;
  auto three = std::make_shared<test::ElementwiseAffine>(other, "c", 3);
  CHECK_THROWS_AS(Chain({first, three}), ConfigError);
  CHECK_THROWS_AS(Chain({}), ConfigError);
}

TEST_CASE("the likelihood objective: deterministic mode is one function, stochastic mode walks epochs") {
  ChainModel m(2);
  Matrix data(2, 10);
  Rng(6).fill_normal(data);
  const Vector theta = m.store.values();
  Vector g1(theta.size()), g2(theta.size());

  LikelihoodObjective fixed(*m.model, m.store, data, {0, true}, Rng(1));
  const double f1 = fixed.evaluate(theta, g1);
  const double f2 = fixed.evaluate(theta, g2);
  CHECK(f1 == f2);
  CHECK(g1 == g2);

  // Batches of 5 from 10 points: the two batches of an epoch average to the full NLL.
  LikelihoodObjective batched(*m.model, m.store, data, {5, false}, Rng(1));
  const double b1 = batched.evaluate(theta, g1);
  const double b2 = batched.evaluate(theta, g2);
  CHECK(0.5 * (b1 + b2) == doctest::Approx(f1).epsilon(1e-12));
  CHECK(b1 != b2);
}

namespace {

// An affine flow that records the widths of the batches it is given.
class WidthRecorder final : public Bijection {
 public:
  explicit WidthRecorder(std::shared_ptr<Bijection> inner) : inner_(std::move(inner)) {}
  mutable std::vector<Index> widths;

  Index dim() const override { return inner_->dim(); }
  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override {
    widths.push_back(x.cols());
    inner_->forward(x, z, logdet, noise, tape);
  }
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const override {
    widths.push_back(z.cols());
    inner_->inverse(z, x, logdet, noise);
  }
  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override {
    inner_->backward(tape, x, z, z_bar, logdet_bar, x_bar, theta_bar);
  }

 private:
  std::shared_ptr<Bijection> inner_;
};

}  // namespace

TEST_CASE("log_density and sample push large batches through the flow in blocks, column by column alike") {
  ParameterStore store;
  auto recorder = std::make_shared<WidthRecorder>(std::make_shared<test::ElementwiseAffine>(store, "affine", 2));
  DensityModel model(std::make_shared<test::StandardGaussian>(2), recorder);
  Rng(4).fill_uniform(store.values(), -0.5, 0.5);
  const Index block = DensityModel::kEvaluationBlock;
  const Index n = 2 * block + 37;
  Matrix x(2, n);
  Rng(6).fill_normal(x);
  Rng noise(0);
  const Vector log_p = model.log_density(x, noise);
  CHECK(recorder->widths == std::vector<Index>{block, block, 37});
  for (const Index j : {Index{0}, block - 1, block, n - 1}) {
    CAPTURE(j);
    CHECK(model.log_density(x.col(j), noise)[0] == doctest::Approx(log_p[j]).epsilon(1e-15));
  }

  recorder->widths.clear();
  Rng rng(7), same(7);
  const Matrix samples = model.sample(n, rng);
  CHECK(recorder->widths == std::vector<Index>{block, block, 37});
  Matrix z(2, n), expected(2, n);
  test::StandardGaussian(2).sample(same, z);
  Vector logdet(n);
  recorder->inverse(z, expected, logdet, same);
  CHECK(samples == expected);
}
