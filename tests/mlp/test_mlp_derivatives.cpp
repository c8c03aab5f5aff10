// The mlp through the VectorField conformance kit: every derivative against
// finite differences and Taylor tests, over activations, depths, time inputs,
// dimensions and batch sizes.
#include <doctest/doctest.h>

#include <sstream>

#include "liouville/testing/vector_field_checks.hpp"
#include "mlp_fixture.hpp"

namespace liouville::testing {
namespace {

struct Case {
  MlpConfig config;
  Index dim;
};

std::string describe(const Case& c, Index batch) {
  std::ostringstream text;
  text << "activation " << c.config.activation << ", output " << c.config.output_activation << ", time "
       << c.config.time_input << ", hidden [";
  for (std::size_t i = 0; i < c.config.hidden.size(); ++i) text << (i ? "," : "") << c.config.hidden[i];
  text << "], dim " << c.dim << ", batch " << batch;
  return text.str();
}

void run_conformance(const Case& c, Index batch, std::uint64_t seed, const VectorFieldCheckOptions& options = {}) {
  const auto built = build_mlp(c.config, c.dim, seed);
  Rng rng(seed, 1);
  for (const Scalar t : {0.3, -1.1}) {
    Matrix z(c.dim, batch);
    rng.fill_normal(z);
    INFO(describe(c, batch), ", t = ", t);
    for (const auto& check : check_vector_field(*built->field, built->store, t, z, rng, options))
      CHECK_MESSAGE(check.passed, check.name << ": " << check.report);
  }
}

TEST_CASE("mlp derivatives pass the vector-field checks for smooth activations") {
  const std::vector<Case> cases = {
      {{{3}, "tanh", "tanh", "none", "lux"}, 1},  // the seed network
      {{{3}, "tanh", "identity", "concat", "lux"}, 1},
      {{{4, 5}, "softplus", "identity", "concat", "lux"}, 2},
      {{{6, 4, 3}, "sigmoid", "tanh", "none", "glorot_uniform"}, 5},
      {{{5, 5, 5}, "elu", "identity", "concat", "lux"}, 2},
      {{{4, 3}, "swish", "tanh", "concat", "glorot_uniform"}, 5},
      {{{8}, "swish", "identity", "none", "lux"}, 2},
      {{{7}, "softplus", "sigmoid", "concat", "lux"}, 5},
      {{{2, 6}, "tanh", "swish", "none", "lux"}, 2},
      {{{20}, "tanh", "identity", "concat", "lux"}, 3},  // wide: the GEMM paths throughout
      {{{3}, "tanh", "identity", "concatsquash", "lux"}, 1},
      {{{4, 5}, "softplus", "identity", "concatsquash", "lux"}, 2},  // FFJORD's toy networks
      {{{6, 4}, "tanh", "tanh", "concatsquash", "glorot_uniform"}, 5},
      {{{20, 20}, "softplus", "identity", "concatsquash", "lux"}, 3},  // wide: the GEMM paths
  };
  std::uint64_t seed = 11;
  for (const Case& c : cases)
    for (const Index batch : {1, 7}) run_conformance(c, batch, seed++);
}

TEST_CASE("relu mlp derivatives pass the vector-field checks away from the kinks") {
  const Case c{{{6, 5}, "relu", "identity", "concat", "lux"}, 2};
  const auto built = build_mlp(c.config, c.dim, 5);
  Rng rng(5, 1);
  const Scalar t = 0.4;
  // Points whose hidden pre-activations all stay clear of relu's kink at 0, so
  // neither the finite differences nor the Taylor steps (h0 = 1e-4) cross it.
  Matrix z(c.dim, 7);
  int draws = 0;
  do {
    rng.fill_normal(z);
  } while (reference_forward(built->store, c.config, t, z).smallest_hidden_preactivation < 0.05 && ++draws < 1000);
  REQUIRE(reference_forward(built->store, c.config, t, z).smallest_hidden_preactivation >= 0.05);
  VectorFieldCheckOptions options;
  options.taylor_h0 = 1e-4;
  for (const auto& check : check_vector_field(*built->field, built->store, t, z, rng, options))
    CHECK_MESSAGE(check.passed, check.name << ": " << check.report);
}

}  // namespace
}  // namespace liouville::testing
