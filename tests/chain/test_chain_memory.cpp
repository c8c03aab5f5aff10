// Chain's memory-light reverse mode (ChainMemory::kRecompute) against the stored
// one: the same cotangents, the conformance kit, the noise of stochastic layers.
#include <doctest/doctest.h>

#include "chain_fixture.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/testing/bijection_conformance.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

struct ReverseResult {
  Matrix z;
  Vector logdet;
  Matrix x_bar;
  Vector theta_bar;
};

ReverseResult reverse(const Chain& chain, Index parameters, const Matrix& x, const Matrix& z_bar,
                      const Vector& logdet_bar, const Rng& noise) {
  ReverseResult result{Matrix(x.rows(), x.cols()), Vector(x.cols()), Matrix(x.rows(), x.cols()),
                       Vector::Zero(parameters)};
  Rng copy = noise;
  std::unique_ptr<Tape> tape;
  chain.forward(x, result.z, result.logdet, copy, &tape);
  chain.backward(tape.get(), x, result.z, z_bar, logdet_bar, result.x_bar, result.theta_bar);
  return result;
}

Matrix normal_matrix(Index rows, Index cols, std::uint64_t seed) {
  Matrix m(rows, cols);
  Rng(seed).fill_normal(m);
  return m;
}

// z = x + exp(s) .* e with e ~ N(0, I) drawn from the noise once per call: a
// stochastic layer whose gradient in s depends on the noise it drew, which it
// keeps on its tape.
class NoisyShift final : public Bijection {
 public:
  NoisyShift(ParameterStore& store, Index dim) : log_scale_(store.allocate("noisy.log_scale", dim, 1)) {}

  Index dim() const override { return log_scale_.rows(); }
  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override {
    auto drawn = std::make_unique<ShiftTape>();
    drawn->shift = shift(noise);
    z = x.colwise() + drawn->shift;
    logdet.setZero();
    if (tape != nullptr) *tape = std::move(drawn);
  }
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const override {
    x = z.colwise() - shift(noise);
    logdet.setZero();
  }
  void backward(const Tape* tape, ConstMatrixRef, ConstMatrixRef, ConstMatrixRef z_bar, ConstVectorRef,
                MatrixRef x_bar, VectorRef theta_bar) const override {
    const auto* drawn = dynamic_cast<const ShiftTape*>(tape);
    if (drawn == nullptr) throw Error("NoisyShift: backward needs its tape");
    x_bar = z_bar;
    log_scale_.in(theta_bar).col(0) += z_bar.rowwise().sum().cwiseProduct(drawn->shift);
  }

 private:
  struct ShiftTape final : Tape {
    Vector shift;
  };

  Vector shift(Rng& noise) const {
    Vector e(dim());
    noise.fill_normal(e);
    return log_scale_.value().col(0).array().exp().matrix().cwiseProduct(e);
  }

  ParameterSlice log_scale_;
};

// A layer whose inverse is not available: it forwards to `inner` otherwise.
class WithoutInverse final : public Bijection {
 public:
  explicit WithoutInverse(std::shared_ptr<Bijection> inner) : inner_(std::move(inner)) {}

  Index dim() const override { return inner_->dim(); }
  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override {
    inner_->forward(x, z, logdet, noise, tape);
  }
  void inverse(ConstMatrixRef, MatrixRef, VectorRef, Rng&) const override {
    throw NotSupported("WithoutInverse has no inverse");
  }
  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override {
    inner_->backward(tape, x, z, z_bar, logdet_bar, x_bar, theta_bar);
  }

 private:
  std::shared_ptr<Bijection> inner_;
};

}  // namespace

TEST_CASE("recompute gives the store mode's z, logdet, x_bar and theta_bar on a mixed chain") {
  for (int steps : {1, 4}) {
    CAPTURE(steps);
    const Index dim = 4;
    ParameterStore store;
    auto layers = build_layers(mixed_layers(steps), dim, store);
    REQUIRE(layers.size() == static_cast<std::size_t>(4 * steps));
    randomize(store, 3, 0.3);
    const Chain stored(layers, ChainMemory::kStore);
    const Chain recomputed(layers, ChainMemory::kRecompute);
    CHECK(recomputed.memory() == ChainMemory::kRecompute);

    const Matrix x = normal_matrix(dim, 9, 1);
    const Matrix z_bar = normal_matrix(dim, 9, 2);
    const Vector logdet_bar = normal_matrix(9, 1, 3);
    const ReverseResult a = reverse(stored, store.size(), x, z_bar, logdet_bar, Rng(4));
    const ReverseResult b = reverse(recomputed, store.size(), x, z_bar, logdet_bar, Rng(4));
    CHECK((a.z - b.z).cwiseAbs().maxCoeff() == 0.0);
    CHECK((a.logdet - b.logdet).cwiseAbs().maxCoeff() == 0.0);
    REQUIRE(a.theta_bar.norm() > 0);
    CHECK((a.x_bar - b.x_bar).cwiseAbs().maxCoeff() <= 1e-10 * (1 + a.x_bar.cwiseAbs().maxCoeff()));
    CHECK((a.theta_bar - b.theta_bar).cwiseAbs().maxCoeff() <= 1e-10 * (1 + a.theta_bar.cwiseAbs().maxCoeff()));
  }
}

TEST_CASE("a recompute chain passes the bijection conformance checks") {
  const Index dim = 3;
  ParameterStore store;
  const Chain chain(build_layers(mixed_layers(2), dim, store), ChainMemory::kRecompute);
  randomize(store, 5, 0.3);
  BijectionTolerances tolerances;
  tolerances.parameters_required = true;
  tolerances.backward.taylor_step = 1e-3;
  check_bijection_conformance(chain, store, normal_matrix(dim, 5, 6), Rng(7), tolerances);
}

TEST_CASE("recompute hands a stochastic layer the noise it drew in forward") {
  const Index dim = 3;
  ParameterStore store;
  auto layers = build_layers("[{type: planar}, {type: conv1x1}]", dim, store);
  const auto noisy = std::make_shared<NoisyShift>(store, dim);
  layers.insert(layers.begin() + 1, noisy);
  layers.push_back(noisy);
  randomize(store, 8, 0.3);
  const Chain stored(layers, ChainMemory::kStore);
  const Chain recomputed(layers, ChainMemory::kRecompute);
  const Matrix x = normal_matrix(dim, 6, 1);
  const Matrix z_bar = normal_matrix(dim, 6, 2);
  const Vector logdet_bar = normal_matrix(6, 1, 3);
  const ReverseResult a = reverse(stored, store.size(), x, z_bar, logdet_bar, Rng(4));
  const ReverseResult b = reverse(recomputed, store.size(), x, z_bar, logdet_bar, Rng(4));
  const ReverseResult other_noise = reverse(stored, store.size(), x, z_bar, logdet_bar, Rng(5));
  const auto noisy_bar = [&](const Vector& theta_bar) { return theta_bar.tail(dim); };
  REQUIRE((noisy_bar(a.theta_bar) - noisy_bar(other_noise.theta_bar)).norm() > 1e-3);  // the noise matters
  CHECK((a.x_bar - b.x_bar).cwiseAbs().maxCoeff() <= 1e-10);
  CHECK((a.theta_bar - b.theta_bar).cwiseAbs().maxCoeff() <= 1e-10);
  // Not the round trip: the chain's inverse draws the layers' noise in reverse order.
  const BackwardCheck gradients = check_backward(recomputed, store, x, Rng(9));
  CHECK_MESSAGE(gradients.passes(), gradients.report());
}

TEST_CASE("a chain refuses a tape from another memory mode and an unknown mode name") {
  const Index dim = 2;
  ParameterStore store;
  auto layers = build_layers("[{type: planar}, {type: planar}]", dim, store);
  const Chain stored(layers, ChainMemory::kStore);
  const Chain recomputed(layers, ChainMemory::kRecompute);
  const Matrix x = normal_matrix(dim, 3, 1);
  Matrix z(dim, 3), x_bar(dim, 3);
  Vector logdet(3), theta_bar = Vector::Zero(store.size());
  Rng noise(2);
  std::unique_ptr<Tape> tape;
  stored.forward(x, z, logdet, noise, &tape);
  CHECK_THROWS_WITH_AS(recomputed.backward(tape.get(), x, z, z, logdet, x_bar, theta_bar),
                       "chain (memory: recompute): backward needs the tape recorded by its forward", Error);
  CHECK_THROWS_AS(stored.backward(nullptr, x, z, z, logdet, x_bar, theta_bar), Error);

  CHECK(parse_chain_memory("store", "model.memory") == ChainMemory::kStore);
  CHECK(parse_chain_memory("recompute", "model.memory") == ChainMemory::kRecompute);
  CHECK_THROWS_WITH_AS(parse_chain_memory("lazy", "model.memory"),
                       "model.memory: unknown chain memory mode 'lazy'; expected store or recompute", ConfigError);
}

TEST_CASE("recompute needs an inverse for every layer but the first, and says so") {
  const Index dim = 2;
  ParameterStore store;
  auto layers = build_layers("[{type: planar}, {type: planar}]", dim, store);
  const Matrix x = normal_matrix(dim, 3, 1);
  const Matrix z_bar = normal_matrix(dim, 3, 2);
  const Vector logdet_bar = normal_matrix(3, 1, 3);
  const ReverseResult stored =
      reverse(Chain(layers, ChainMemory::kStore), store.size(), x, z_bar, logdet_bar, Rng(4));

  const Chain first_without({std::make_shared<WithoutInverse>(layers[0]), layers[1]}, ChainMemory::kRecompute);
  const ReverseResult recomputed = reverse(first_without, store.size(), x, z_bar, logdet_bar, Rng(4));
  CHECK((stored.theta_bar - recomputed.theta_bar).cwiseAbs().maxCoeff() <= 1e-12);

  const Chain second_without({layers[0], std::make_shared<WithoutInverse>(layers[1])}, ChainMemory::kRecompute);
  CHECK_THROWS_WITH_AS(reverse(second_without, store.size(), x, z_bar, logdet_bar, Rng(4)),
                       "chain (memory: recompute): layer 1 cannot recompute its input without an inverse "
                       "(WithoutInverse has no inverse); use memory: store",
                       NotSupported);
}
