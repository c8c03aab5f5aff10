#include "fuzz_readers.hpp"

#include "checkpoint.hpp"
#include "experiment_schema.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/io/csv.hpp"
#include "liouville/core/io/npy.hpp"
#include "liouville/registry/config.hpp"

namespace liouville::fuzz {
namespace {

// Runs `read`, keeping the message of a `Refusal`; anything else escapes.
template <typename Refusal, typename Read>
void run(std::vector<std::string>& refusals, const Read& read) {
  try {
    read();
  } catch (const Refusal& error) {
    refusals.emplace_back(error.what());
  }
}

const Registry& in_tree_registry() {
  static const Registry registry = [] {
    Registry loaded;
    loaded.load_search_path();
    if (loaded.list().empty())
      throw Error("fuzz: no plugin registered from '" + Registry::default_plugin_dir().string() +
                  "': build the plugins first");
    return loaded;
  }();
  return registry;
}

}  // namespace

std::vector<std::string> read_csv_input(std::string_view bytes) {
  std::vector<std::string> refusals;
  for (const io::CsvHeader header : {io::CsvHeader::kAuto, io::CsvHeader::kPresent, io::CsvHeader::kAbsent})
    for (const bool allow_non_finite : {false, true})
      run<DataError>(refusals, [&] { io::parse_csv(bytes, "fuzz.csv", {header, allow_non_finite}); });
  return refusals;
}

std::vector<std::string> read_npy_input(std::string_view bytes) {
  std::vector<std::string> refusals;
  run<DataError>(refusals, [&] { io::parse_npy(bytes, "fuzz.npy"); });
  return refusals;
}

std::vector<std::string> read_checkpoint_input(std::string_view bytes) {
  std::vector<std::string> refusals;
  run<DataError>(refusals, [&] { host::parse_checkpoint(bytes, "fuzz.safetensors"); });
  return refusals;
}

std::vector<std::string> read_config_input(std::string_view bytes) {
  static const Schema schema = host::experiment_schema();
  const Registry& registry = in_tree_registry();
  std::vector<std::string> refusals;
  run<ConfigError>(refusals, [&] {
    const ConfigDocument document = ConfigDocument::from_string(std::string(bytes), "fuzz.yaml");
    document.plugin_paths();
    to_yaml(bind(document, schema, registry), schema, registry);
  });
  return refusals;
}

}  // namespace liouville::fuzz
