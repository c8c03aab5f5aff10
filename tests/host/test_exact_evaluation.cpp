// A model trained with Hutchinson's estimator is evaluated with the exact trace.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "trained_model.hpp"

using namespace liouville;
using namespace liouville::host;

TEST_CASE("evaluation replaces a stochastic trace estimator by the exact trace") {
  const auto run = std::filesystem::temp_directory_path() / "liouville_hutchinson_run";
  std::filesystem::remove_all(run);
  const std::string command =
      std::string("'") + LIOUVILLE_EXECUTABLE +
      "' train '" LIOUVILLE_SOURCE_DIR "/configs/ffjord_normal_1d.yaml' --out '" + run.string() +
      "' --set 'model.flow[0].trace={type: hutchinson, distribution: gaussian}'"
      " --set 'train.stages[0].iterations=2' --set 'train.stages[1].iterations=2' >/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);

  TrainedModel model;
  load_trained_model(run, model);
  const Params& flow = model.experiment.config.child("model").children("flow").front();
  CHECK(flow.child("trace").type() == "exact");
  CHECK(!flow.child("trace").has("distribution"));
  const std::string eval = std::string("'") + LIOUVILLE_EXECUTABLE + "' eval '" + run.string() + "' >/dev/null";
  CHECK(std::system(eval.c_str()) == 0);
}
