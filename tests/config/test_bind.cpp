// Binding valid documents: defaults, widening, relative paths, the registry's
// failures in notes, and the effective config round trip.
#include "config_test_support.hpp"

namespace liouville::testing {
namespace {

namespace fs = std::filesystem;

const char* const kMinimal = R"(data: {type: test/points, file: data/x.csv}
model:
  flow:
    - {type: test/gaussian, scale: 2}
    - type: test/first
      parts: [{type: test/gaussian}]
train:
  stages:
    - iterations: 10
    - {iterations: 5, optimizer: lbfgs, lr: 1}
)";

// Structural equality of two Params trees.
bool same(const Params& a, const Params& b) {
  if (a.path() != b.path() || a.type() != b.type() || a.values() != b.values()) return false;
  if (a.child_map().size() != b.child_map().size() || a.list_map().size() != b.list_map().size()) return false;
  for (const auto& [key, child] : a.child_map())
    if (!b.child_map().contains(key) || !same(child, b.child_map().at(key))) return false;
  for (const auto& [key, items] : a.list_map()) {
    if (!b.list_map().contains(key) || items.size() != b.list_map().at(key).size()) return false;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (!same(items[i], b.list_map().at(key)[i])) return false;
  }
  return true;
}

TEST_CASE("a valid document binds with every default filled and every path named") {
  const Params params =
      bind(ConfigDocument::from_string(kMinimal, "configs/test.yaml"), experiment_schema(), test_registry());
  const Params& data = params.child("data");
  CHECK(data.path() == "data");
  CHECK(data.type() == "test/points");
  CHECK(data.get_int("n") == 100);
  CHECK(data.get_bool("shuffle"));
  CHECK(data.get_string("layout") == "columns");
  CHECK(data.get_int_list("hidden") == std::vector<long>{8});
  CHECK(data.get_real_list("tspan") == std::vector<double>{0, 1});
  CHECK(data.get_path("file") == fs::path("data/x.csv"));
  CHECK(data.child("source").type() == "test/gaussian");
  CHECK(data.child("source").path() == "data.source");
  CHECK(data.child("source").get_real("scale") == 1.0);

  const auto& flow = params.child("model").children("flow");
  REQUIRE(flow.size() == 2);
  CHECK(flow[0].path() == "model.flow[0]");
  CHECK(flow[0].get_real("scale") == 2.0);  // a YAML int widened to a real
  CHECK(std::holds_alternative<double>(flow[0].get("scale")));
  CHECK(flow[1].children("parts")[0].path() == "model.flow[1].parts[0]");
  CHECK(params.child("model").child("base").type() == "test/gaussian");

  const auto& stages = params.child("train").children("stages");
  REQUIRE(stages.size() == 2);
  CHECK(stages[0].path() == "train.stages[0]");
  CHECK(stages[0].get_real("lr") == 1e-3);
  CHECK(stages[0].get_string("optimizer") == "adam");
  CHECK(stages[1].get_string("optimizer") == "lbfgs");
  CHECK(params.child("train").get_int("seed") == 0);
  CHECK(params.get_path("output") == fs::path("runs/out"));
  CHECK(!params.has("plugins"));
}

TEST_CASE("overrides change values, create keys, and errors in them name the override") {
  auto document = ConfigDocument::from_string(kMinimal, "configs/test.yaml");
  document.apply_override("train.stages[1].iterations=50");
  document.apply_override("train.seed=7");
  document.apply_override("model.base={type: test/gaussian, shift: 3}");
  document.apply_override("data.hidden=[4, 4]");
  const Params params = bind(document, experiment_schema(), test_registry());
  CHECK(params.child("train").children("stages")[1].get_int("iterations") == 50);
  CHECK(params.child("train").get_int("seed") == 7);
  CHECK(params.child("model").child("base").get_real("shift") == 3.0);
  CHECK(params.child("data").get_int_list("hidden") == std::vector<long>{4, 4});

  document.apply_override("model.flow[0].scale=-1");
  document.apply_override("model.base={type: test/gaussian, shfit: 3}");
  try {
    bind(document, experiment_schema(), test_registry());
    FAIL("bind accepted a negative scale");
  } catch (const ConfigErrors& errors) {
    REQUIRE(errors.diagnostics().size() == 2);
    const std::string message = errors.what();
    CHECK(contains(message,
                   "override 'model.flow[0].scale=-1': error: model.flow[0].scale: scale = -1 violates "
                   "scale > 0"));
    CHECK(contains(message,
                   "override 'model.base={type: test/gaussian, shfit: 3}': error: model.base.shfit: "
                   "unknown key 'shfit' (did you mean 'shift'?)"));
  }
}

TEST_CASE("a malformed override is refused with what is wrong") {
  auto document = ConfigDocument::from_string(kMinimal, "configs/test.yaml");
  const auto error_of = [&](std::string_view assignment) -> std::string {
    try {
      document.apply_override(assignment);
    } catch (const ConfigErrors& errors) {
      return errors.what();
    }
    return "";
  };
  CHECK(contains(error_of("train.seed"), "override 'train.seed': error: expected KEY=VALUE"));
  CHECK(contains(error_of("train..seed=1"), "bad key path: expected a key at character 7"));
  CHECK(contains(error_of("train.stages[x].lr=1"), "bad key path: expected a list index like [0]"));
  CHECK(contains(error_of("train.stages[2].lr=1"), "train.stages has 2 items; there is no item 2"));
  CHECK(contains(error_of("model.flow.x=1"), "model.flow is not a map"));
  CHECK(contains(error_of("train.new.stages[0]=1"), "train.new.stages is not a list"));
  CHECK(contains(error_of("train.seed="), "no value after '='"));
  CHECK(contains(error_of("train.seed=[1,"), "the value is not valid YAML"));
  CHECK(!contains(document.to_yaml(), "new"));  // a refused override changes nothing
  CHECK(bind(document, experiment_schema(), test_registry()).child("train").get_int("seed") == 0);
}

TEST_CASE("an unknown plugin name mentions the libraries that failed to load") {
  const std::string message = bind_errors(
      "data: {type: test/broken_entry}\nmodel: {flow: [{type: test/gaussian}]}\n"
      "train: {stages: [{iterations: 1}]}\n",
      test_registry(true));
  CHECK(contains(message, "configs/test.yaml:1:14: error: data.type: unknown Dataset 'test/broken_entry'"));
  CHECK(contains(message, "note: valid Dataset names: "));
  CHECK(contains(message, "test/points"));
  CHECK(contains(message, "; these plugin libraries failed to load (see `liouville plugins`): "));
  CHECK(contains(message, "liouville_loader_test_wrong_tag.so"));
}

TEST_CASE("did you mean: close spellings and prefixes, never a complete rewrite") {
  const std::string tail = "model: {flow: [{type: test/gaussian}]}\ntrain: {stages: [{iterations: 1}]}\n";
  CHECK(contains(bind_errors("data: {type: test/points, hid: [1]}\n" + tail),
                 "unknown key 'hid' (did you mean 'hidden'?)"));
  CHECK(
      contains(bind_errors("data: {type: test/points, nn: 5}\n" + tail), "unknown key 'nn' (did you mean 'n'?)"));
  const std::string unrelated = bind_errors("data: {type: test/points, xy: 1}\n" + tail);
  CHECK(contains(unrelated, "unknown key 'xy'\n"));
  CHECK(
      contains(unrelated, "note: valid keys here: n, shuffle, label, file, layout, hidden, tspan, tags, source"));
}

TEST_CASE("an unreadable file and an empty document are reported, not crashed on") {
  try {
    ConfigDocument::from_file("/nonexistent/experiment.yaml");
    FAIL("a missing file was read");
  } catch (const ConfigErrors& errors) {
    CHECK(std::string(errors.what()) ==
          "/nonexistent/experiment.yaml: error: cannot read the config file: the file does not exist\n"
          "1 error; nothing was run.");
  }
  const std::string message = bind_errors("");
  CHECK(contains(message, "configs/test.yaml: error: data: missing required key 'data'"));
  CHECK(contains(message, "configs/test.yaml: error: model: missing required key 'model'"));
  CHECK(contains(message, "configs/test.yaml: error: train: missing required key 'train'"));
  CHECK(contains(message, "3 errors; nothing was run."));
}

TEST_CASE("plugins: entries are resolved against the config file's folder") {
  auto document = ConfigDocument::from_string("plugins: [extra, /opt/liouville_x.so]\n", "configs/test.yaml");
  CHECK(document.plugin_paths() == std::vector<fs::path>{fs::absolute("configs/extra"), "/opt/liouville_x.so"});
  CHECK_THROWS_AS(ConfigDocument::from_string("plugins: extra\n", "x.yaml").plugin_paths(), ConfigErrors);
  CHECK(ConfigDocument::from_string("data: {}\n", "x.yaml").plugin_paths().empty());
}

TEST_CASE("the effective config marks defaults and binds back to the same parameters") {
  const Params params =
      bind(ConfigDocument::from_string(kMinimal, "test.yaml"), experiment_schema(), test_registry());
  const std::string effective = to_yaml(params, experiment_schema(), test_registry());
  CAPTURE(effective);
  CHECK(contains(effective, "n: 100  # default"));
  CHECK(contains(effective, "type: test/gaussian  # default"));
  CHECK(contains(effective, "scale: 2\n"));
  CHECK(contains(effective, "optimizer: lbfgs\n"));
  CHECK(contains(effective, "lr: 0.001  # default"));
  const Params again =
      bind(ConfigDocument::from_string(effective, "effective.yaml"), experiment_schema(), test_registry());
  CHECK(same(params, again));
}

TEST_CASE("the document with its overrides is written back as YAML") {
  auto document = ConfigDocument::from_string(kMinimal, "configs/test.yaml");
  document.apply_override("train.seed=11");
  const auto reread = ConfigDocument::from_string(document.to_yaml(), "configs/test.yaml");
  CHECK(bind(reread, experiment_schema(), test_registry()).child("train").get_int("seed") == 11);
  CHECK(document.file_name() == "configs/test.yaml");

  const auto with_plugins = ConfigDocument::from_string("plugins: [extra]\n", "configs/test.yaml");
  const auto moved = ConfigDocument::from_string(with_plugins.to_yaml(), "runs/x/config.yaml");
  CHECK(moved.plugin_paths() == std::vector<fs::path>{fs::absolute("configs/extra")});
  CHECK(contains(with_plugins.to_yaml(), fs::absolute("configs/extra").string()));
  CHECK(with_plugins.plugin_paths() == moved.plugin_paths());
}

}  // namespace
}  // namespace liouville::testing
