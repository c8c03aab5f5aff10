#include <doctest/doctest.h>

#include <cmath>

#include "liouville/core/errors.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"

using namespace liouville;

TEST_CASE("Rng is reproducible, splittable and restorable") {
  Rng a(42), b(42), c(43);
  const std::uint64_t first = a.next_u64();
  CHECK(first == b.next_u64());
  CHECK(first != c.next_u64());

  Rng parent(7);
  Rng child1 = parent.split(1), child1_again = parent.split(1), child2 = parent.split(2);
  CHECK(child1.next_u64() == child1_again.next_u64());
  CHECK(parent.split(1).next_u64() != child2.next_u64());

  Rng saved(9);
  saved.next_u64();
  const Rng::State state = saved.state();
  const double next = saved.normal();
  Rng restored(0);
  restored.restore(state);
  CHECK(restored.normal() == next);
}

TEST_CASE("Rng variates have the right moments") {
  Rng rng(1);
  const int n = 200000;
  double sum = 0, sum_sq = 0, uniform_sum = 0, rademacher_sum = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    sum += x;
    sum_sq += x * x;
    uniform_sum += rng.uniform();
    rademacher_sum += rng.rademacher();
  }
  // Four standard errors of each mean.
  CHECK(std::abs(sum / n) < 4 / std::sqrt(n));
  CHECK(std::abs(sum_sq / n - 1) < 4 * std::sqrt(2.0 / n));
  CHECK(std::abs(uniform_sum / n - 0.5) < 4 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(rademacher_sum / n) < 4 / std::sqrt(n));
}

TEST_CASE("ParameterStore gives named contiguous slices") {
  ParameterStore store;
  ParameterSlice w = store.allocate("w", 2, 3);
  ParameterSlice b = store.allocate("b", 2, 1);
  CHECK(store.size() == 8);
  CHECK(b.offset() == 6);
  w.mutable_value()(1, 2) = 5.0;
  CHECK(store.values()[5] == 5.0);  // column-major
  CHECK(w.value()(1, 2) == 5.0);    // a slice made before a later allocation still reads the store
  Vector gradient = Vector::Zero(store.size());
  b.in(gradient)(1, 0) = 3.0;
  CHECK(gradient[7] == 3.0);
  REQUIRE(store.find("b") != nullptr);
  CHECK(store.find("b")->rows == 2);
  CHECK(store.find("nope") == nullptr);
  CHECK_THROWS_AS(store.allocate("w", 1, 1), ConfigError);
  CHECK_THROWS_AS(store.allocate("negative", -1, 1), ConfigError);
}
