// The `liouville` executable end to end: exit codes, diagnostics, and the FFJORD
// 1-D seed experiment meeting its figures.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

using namespace liouville::test;

namespace {

const std::string kSeedConfig = LIOUVILLE_SOURCE_DIR "/configs/ffjord_normal_1d.yaml";

}  // namespace

TEST_CASE("usage errors exit with code 2") {
  CHECK(run_cli("").code == 2);
  const Result unknown = run_cli("frobnicate");
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("unknown command 'frobnicate'") != std::string::npos);
  CHECK(run_cli("train").code == 2);
  CHECK(run_cli("train x.yaml --no-such-option").code == 2);
  CHECK(run_cli("train --help").code == 0);
}

TEST_CASE("plugins lists every built-in plugin and describes one") {
  const Result list = run_cli("plugins");
  CHECK(list.code == 0);
  for (const char* name :
       {"ffjord", "mlp", "tsit5", "exact", "hutchinson", "adam", "lbfgs", "normal", "standard_normal"})
    CHECK_MESSAGE(list.out.find(std::string("  ") + name + " - ") != std::string::npos, name);
  const Result describe = run_cli("plugins describe tsit5");
  CHECK(describe.code == 0);
  CHECK(describe.out.find("rtol") != std::string::npos);
  CHECK(run_cli("plugins describe nope").code == 2);
}

TEST_CASE("a config with mistakes lists every error, exits 2 and runs nothing") {
  const auto config = write_config("bad.yaml", R"(liouville: 1
data: {type: normal, mean: [6.0], std: [0.7]}
model:
  flow:
    - type: ffjord
      vector_field: {type: mlp, hiden: [3]}
      solver: {type: tsit5, rtol: -1.0e-6}
      trace: {type: exat}
train:
  stages:
    - {optimizer: {type: adam}, iterations: 20}
)");
  const auto out = scratch("bad_run");
  const Result result = run_cli("train '" + config.string() + "' --out '" + out.string() + "'");
  CHECK(result.code == 2);
  CHECK(result.err.find("bad.yaml:6:") != std::string::npos);
  CHECK(result.err.find("did you mean 'hidden'") != std::string::npos);
  CHECK(result.err.find("model.flow[0].solver.rtol") != std::string::npos);
  CHECK(result.err.find("did you mean 'exact'") != std::string::npos);
  CHECK(std::filesystem::is_empty(out));
  CHECK(run_cli("validate '" + config.string() + "'").code == 2);
  CHECK(run_cli("validate '" + kSeedConfig + "'").code == 0);
}

TEST_CASE("--set overrides go through the same validation") {
  CHECK(run_cli("validate '" + kSeedConfig + "' --set model.flow[0].solver.rtol=2e-5").code == 0);
  const Result bad = run_cli("validate '" + kSeedConfig + "' --set model.flow[0].solver.rtol=abc");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("model.flow[0].solver.rtol") != std::string::npos);
  const Result effective = run_cli("config '" + kSeedConfig + "'");
  CHECK(effective.code == 0);
  CHECK(effective.out.find("max_steps") != std::string::npos);  // a default filled in
}

TEST_CASE("eval of something that is not a trained model is a clear error") {
  const auto folder = scratch("not_a_run");
  const Result missing = run_cli("eval '" + folder.string() + "'");
  CHECK(missing.code == 2);
  CHECK(missing.err.find("no checkpoint") != std::string::npos);
  std::ofstream(folder / "checkpoint.safetensors") << "garbage!";
  const Result garbage = run_cli("eval '" + folder.string() + "'");
  CHECK(garbage.code == 2);
  CHECK(garbage.err.find("checkpoint.safetensors") != std::string::npos);
}

TEST_CASE("a broken plugin in the search path is reported and the host goes on") {
  const auto folder = scratch("broken_plugins");
  std::ofstream(folder / "liouville_broken.so") << "not a shared library";
  const Result result =
      run_cli("validate '" + kSeedConfig + "'", "LIOUVILLE_PLUGIN_PATH='" + folder.string() + "'");
  CHECK(result.code == 0);
  CHECK(result.err.find("liouville_broken.so") != std::string::npos);
}

TEST_CASE("the FFJORD 1-D seed experiment reaches its figures") {
  const auto run = scratch("ffjord_1d");
  const Result train = run_cli("train '" + kSeedConfig + "' --out '" + run.string() + "'");
  REQUIRE_MESSAGE(train.code == 0, train.err);
  for (const char* file : {"config.yaml", "resolved.yaml", "checkpoint.safetensors", "metrics.csv", "samples.csv"})
    CHECK_MESSAGE(std::filesystem::exists(run / file), file);
  CHECK(slurp(run / "metrics.csv")
            .rfind("stage,optimizer,iteration,epoch,loss,nll,half_sq_norm,logdet,grad_norm,lr_factor,nfe,seconds,"
                   "train_nll,val_nll,penalty\n",
                   0) == 0);

  const Result eval = run_cli("eval '" + run.string() + "' --json");
  REQUIRE_MESSAGE(eval.code == 0, eval.err);
  const auto metrics = nlohmann::json::parse(eval.out);
  MESSAGE("held-out NLL " << metrics["nll"] << ", TV " << metrics["tv_seed_metric"]);
  CHECK(metrics["nll"].get<double>() <= 1.10);
  CHECK(metrics["entropy"].get<double>() == doctest::Approx(1.062).epsilon(0.01));

  const Result sample = run_cli("sample '" + run.string() + "' --n 10000 --json");
  REQUIRE_MESSAGE(sample.code == 0, sample.err);
  const auto moments = nlohmann::json::parse(sample.out);
  MESSAGE("sample mean " << moments["mean"][0] << ", std " << moments["std"][0]);
  CHECK(std::abs(moments["mean"][0].get<double>() - 6.0) <= 0.15);
  CHECK(std::abs(moments["std"][0].get<double>() - 0.7) <= 0.07);

  const Result density = run_cli("density '" + run.string() + "' --points 400 --json");
  REQUIRE_MESSAGE(density.code == 0, density.err);
  CHECK(nlohmann::json::parse(density.out)["mass"].get<double>() == doctest::Approx(1.0).epsilon(1e-3));

  // --threads replaces the stored config's thread count; results do not depend on it.
  const Result threaded = run_cli("density '" + run.string() + "' --points 400 --json --threads 3");
  REQUIRE_MESSAGE(threaded.code == 0, threaded.err);
  CHECK(threaded.out == density.out);
  const Result negative = run_cli("sample '" + run.string() + "' --threads -1");
  CHECK(negative.code == 2);
  CHECK(negative.err.find("--threads must not be negative") != std::string::npos);
}

TEST_CASE("a solver failure during training names the stage, the iteration and the cause") {
  const auto run = scratch("solver_failure");
  const Result result =
      run_cli("train '" + kSeedConfig + "' --out '" + run.string() + "' --set model.flow[0].solver.max_steps=5");
  CHECK(result.code == 1);
  CHECK_MESSAGE(result.err.find("training stage 1 (adam), iteration 1: ") != std::string::npos, result.err);
  CHECK(result.err.find("maximum number of steps reached") != std::string::npos);
  CHECK(!std::filesystem::exists(run / "checkpoint.safetensors"));  // no stage completed
  CHECK(std::filesystem::exists(run / "metrics.csv"));
}
