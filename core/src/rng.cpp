#include "liouville/core/rng.hpp"

#include <cmath>
#include <numbers>

namespace liouville {
namespace {

// SplitMix64 finalizer (Steele, Lea and Flood 2014): a bijective 64-bit mixer.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

Rng::Rng(std::uint64_t seed, std::uint64_t stream) : key_(mix(mix(seed) ^ mix(stream + 0x632be59bd9b4e019ULL))) {}

std::uint64_t Rng::next_u64() { return mix(key_ ^ mix(counter_++)); }

Scalar Rng::uniform() { return static_cast<Scalar>(next_u64() >> 11) * 0x1.0p-53; }

Scalar Rng::normal() {
  // Box-Muller with u1 in (0, 1] so the logarithm is finite.
  const Scalar u1 = 1.0 - uniform();
  const Scalar u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

Scalar Rng::rademacher() { return (next_u64() >> 63) ? 1.0 : -1.0; }

void Rng::fill_normal(MatrixRef out) {
  for (Index j = 0; j < out.cols(); ++j)
    for (Index i = 0; i < out.rows(); ++i) out(i, j) = normal();
}

void Rng::fill_rademacher(MatrixRef out) {
  for (Index j = 0; j < out.cols(); ++j)
    for (Index i = 0; i < out.rows(); ++i) out(i, j) = rademacher();
}

void Rng::fill_uniform(MatrixRef out, Scalar low, Scalar high) {
  for (Index j = 0; j < out.cols(); ++j)
    for (Index i = 0; i < out.rows(); ++i) out(i, j) = low + (high - low) * uniform();
}

Rng Rng::split(std::uint64_t stream) const {
  Rng child(0);
  child.key_ = mix(key_ ^ mix(~stream));
  return child;
}

void Rng::restore(const State& state) {
  key_ = state.key;
  counter_ = state.counter;
}

}  // namespace liouville
