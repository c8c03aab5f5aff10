// model.memory: the host builds the flow's chain in the chosen memory mode, both
// modes give the same training gradient, and a bad value is refused with exit 2.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "experiment.hpp"
#include "liouville/core/chain.hpp"

using namespace liouville;
using namespace liouville::host;

namespace {

const std::string kPlanarConfig = LIOUVILLE_SOURCE_DIR "/configs/planar_two_moons.yaml";

Experiment planar_experiment(const std::string& memory) {
  ConfigDocument document = ConfigDocument::from_file(kPlanarConfig);
  document.apply_override("model.memory=" + memory);
  document.apply_override("data.n=200");
  Registry registry;
  return build_experiment(validate(document, registry), registry);
}

struct Run {
  int code = -1;
  std::string err;
};

Run validate_with(const std::string& override_assignment) {
  const auto err = std::filesystem::temp_directory_path() / "liouville_chain_memory_stderr.txt";
  const std::string command = "'" LIOUVILLE_EXECUTABLE "' validate '" + kPlanarConfig + "' " +
                              override_assignment + " >/dev/null 2>'" + err.string() + "' </dev/null";
  const int status = std::system(command.c_str());
  std::ifstream in(err);
  std::stringstream text;
  text << in.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
}

}  // namespace

TEST_CASE("model.memory builds the chain in that mode, with the same NLL gradient") {
  const Experiment stored = planar_experiment("store");
  const Experiment recomputed = planar_experiment("recompute");
  const auto* stored_chain = dynamic_cast<const Chain*>(&stored.model->flow());
  const auto* recomputed_chain = dynamic_cast<const Chain*>(&recomputed.model->flow());
  REQUIRE(stored_chain != nullptr);
  REQUIRE(recomputed_chain != nullptr);
  CHECK(stored_chain->memory() == ChainMemory::kStore);
  CHECK(recomputed_chain->memory() == ChainMemory::kRecompute);

  REQUIRE(stored.parameters->values() == recomputed.parameters->values());
  Vector stored_gradient = Vector::Zero(stored.parameters->size());
  Vector recomputed_gradient = Vector::Zero(recomputed.parameters->size());
  Rng noise(0);
  const Scalar stored_nll =
      stored.model->negative_log_likelihood(stored.training_data, noise, stored_gradient).nll;
  const Scalar recomputed_nll =
      recomputed.model->negative_log_likelihood(recomputed.training_data, noise, recomputed_gradient).nll;
  CHECK(stored_nll == recomputed_nll);
  REQUIRE(stored_gradient.norm() > 0);
  CHECK((stored_gradient - recomputed_gradient).cwiseAbs().maxCoeff() <= 1e-10);
}

TEST_CASE("liouville accepts model.memory store and recompute and refuses anything else with exit 2") {
  CHECK(validate_with("").code == 0);
  CHECK(validate_with("--set model.memory=recompute").code == 0);
  CHECK(validate_with("--set model.memory=store").code == 0);
  const Run bad = validate_with("--set model.memory=lazy");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("model.memory") != std::string::npos);
  CHECK(bad.err.find("recompute") != std::string::npos);
}
