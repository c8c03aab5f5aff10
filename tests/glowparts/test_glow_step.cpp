#include <doctest/doctest.h>

#include "glowparts_fixture.hpp"
#include "liouville/core/chain.hpp"

using namespace liouville;
using namespace liouville::testing;

TEST_CASE("a Glow step actnorm -> conv1x1 -> affine_coupling passes the bijection checks") {
  for (Index dim : {2, 3, 5}) {
    CAPTURE(dim);
    ParameterStore store;
    const Chain step({build_bijection("type: actnorm", dim, store, "actnorm"),
                      build_bijection("type: conv1x1", dim, store, "conv1x1"),
                      build_bijection("type: affine_coupling, hidden: [6, 6], activation: tanh, scale: sigmoid",
                                      dim, store, "coupling")});
    Matrix x = sample_batch(dim, 6, 4);
    x.array() = 2 * x.array() + 1;
    check_bijection(step, store, x);  // the first forward initializes actnorm
    randomize(store, 8, 0.3);
    check_bijection(step, store, x);
  }
}
