// The L-BFGS plugin's two-loop recursion against the dense BFGS inverse update.
#include <doctest/doctest.h>

#include <vector>

#include "lbfgs_memory.hpp"
#include "liouville/core/rng.hpp"

namespace liouville::lbfgs {
namespace {

// H = (I - rho s y') H (I - rho y s') + rho s s' over the pairs, oldest first,
// from H0 = (s'y / y'y) I of the newest pair (Nocedal and Wright 2006, eqs. 6.17, 7.20).
Matrix dense_inverse_hessian(const std::vector<Vector>& s, const std::vector<Vector>& y) {
  const Index n = s.front().size();
  const Matrix identity = Matrix::Identity(n, n);
  Matrix h = (s.back().dot(y.back()) / y.back().squaredNorm()) * identity;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const Scalar rho = 1 / s[i].dot(y[i]);
    h = (identity - rho * s[i] * y[i].transpose()) * h * (identity - rho * y[i] * s[i].transpose()) +
        rho * s[i] * s[i].transpose();
  }
  return h;
}

struct Pairs {
  std::vector<Vector> s;
  std::vector<Vector> y;
};

// Curvature pairs of a random SPD Hessian A: y = A s.
Pairs random_pairs(Index n, int count, Rng& rng) {
  Matrix b(n, n);
  rng.fill_normal(b);
  const Matrix a = b * b.transpose() + Matrix::Identity(n, n);
  Pairs pairs;
  for (int k = 0; k < count; ++k) {
    Vector s(n);
    rng.fill_normal(s);
    pairs.s.push_back(s);
    pairs.y.push_back(a * s);
  }
  return pairs;
}

TEST_CASE("two-loop recursion equals the dense BFGS update of the newest pairs") {
  const Index n = 7;
  Rng rng(11);
  const Pairs pairs = random_pairs(n, 5, rng);
  LbfgsMemory memory(n, 3);
  for (int k = 0; k < 5; ++k) CHECK(memory.push(pairs.s[k], pairs.y[k]));
  CHECK(memory.size() == 3);

  const Matrix expected =
      dense_inverse_hessian({pairs.s.begin() + 2, pairs.s.end()}, {pairs.y.begin() + 2, pairs.y.end()});
  Vector v(n), out(n);
  rng.fill_normal(v);
  memory.apply_inverse_hessian(v, out);
  CHECK((out - expected * v).norm() <= 1e-12 * (expected * v).norm());

  // Secant equation of the newest pair: H y = s.
  memory.apply_inverse_hessian(pairs.y.back(), out);
  CHECK((out - pairs.s.back()).norm() <= 1e-12 * pairs.s.back().norm());

  // After a reset only the pairs pushed since count, whatever the ring position.
  memory.clear();
  memory.push(pairs.s[0], pairs.y[0]);
  memory.push(pairs.s[1], pairs.y[1]);
  const Matrix restarted = dense_inverse_hessian({pairs.s[0], pairs.s[1]}, {pairs.y[0], pairs.y[1]});
  memory.apply_inverse_hessian(v, out);
  CHECK((out - restarted * v).norm() <= 1e-12 * (restarted * v).norm());
}

TEST_CASE("pairs with too little curvature are skipped") {
  const Index n = 4;
  Rng rng(5);
  const Pairs pairs = random_pairs(n, 2, rng);
  LbfgsMemory memory(n, 5);
  CHECK(memory.push(pairs.s[0], pairs.y[0]));
  CHECK_FALSE(memory.push(pairs.s[1], -pairs.y[1]));  // s'y < 0
  const Vector orthogonal = pairs.y[1] - (pairs.y[1].dot(pairs.s[1]) / pairs.s[1].squaredNorm()) * pairs.s[1];
  CHECK_FALSE(memory.push(pairs.s[1], orthogonal));  // s'y ~ 0
  CHECK(memory.size() == 1);

  const Matrix expected = dense_inverse_hessian({pairs.s[0]}, {pairs.y[0]});
  Vector v(n), out(n);
  rng.fill_normal(v);
  memory.apply_inverse_hessian(v, out);
  CHECK((out - expected * v).norm() <= 1e-12 * (expected * v).norm());
}

TEST_CASE("an empty or cleared memory is the identity") {
  const Index n = 3;
  Rng rng(2);
  const Pairs pairs = random_pairs(n, 1, rng);
  LbfgsMemory memory(n, 2);
  Vector v(n), out(n);
  rng.fill_normal(v);
  memory.apply_inverse_hessian(v, out);
  CHECK(out == v);
  memory.push(pairs.s[0], pairs.y[0]);
  memory.apply_inverse_hessian(v, out);
  CHECK(out != v);
  memory.clear();
  CHECK(memory.size() == 0);
  memory.apply_inverse_hessian(v, out);
  CHECK(out == v);
}

}  // namespace
}  // namespace liouville::lbfgs
