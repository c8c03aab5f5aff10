// A seeded, counter-based random number generator.
//
// The state is a key (from the seed and a stream id) and a counter, so it can be
// saved in a checkpoint and split into independent streams: `split(k)` gives the
// same numbers however many threads ask for them. Normal variates use the
// Box-Muller transform, so the sequence does not depend on the standard library.
#pragma once

#include <cstdint>

#include "liouville/core/types.hpp"

namespace liouville {

class Rng {
 public:
  struct State {
    std::uint64_t key = 0;
    std::uint64_t counter = 0;
  };

  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0);

  std::uint64_t next_u64();
  Scalar uniform();     // in [0, 1)
  Scalar normal();      // N(0, 1)
  Scalar rademacher();  // +1 or -1 with probability 1/2
  void fill_normal(MatrixRef out);
  void fill_rademacher(MatrixRef out);
  void fill_uniform(MatrixRef out, Scalar low, Scalar high);

  // An independent generator for sub-stream `stream`; this one is not advanced.
  Rng split(std::uint64_t stream) const;

  State state() const { return {key_, counter_}; }
  void restore(const State& state);

 private:
  std::uint64_t key_;
  std::uint64_t counter_ = 0;
};

}  // namespace liouville
