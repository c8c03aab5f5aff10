#include "resume.hpp"

#include <charconv>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>

#include "liouville/core/errors.hpp"

namespace liouville::host {
namespace {

const std::string kOptimizerPrefix = "state.optimizer.";
const std::string kOptimizerScalarPrefix = "state.optimizer_scalar.";

Matrix column(ConstVectorRef values) { return values; }
Matrix scalar(Scalar value) { return Matrix::Constant(1, 1, value); }

class PositionReader {
 public:
  PositionReader(const Checkpoint& checkpoint, const std::filesystem::path& path)
      : checkpoint_(checkpoint), path_(path) {}

  [[noreturn]] void bad(const std::string& what) const {
    throw DataError("checkpoint '" + path_.string() + "': " + what);
  }

  const std::string& text(const std::string& key) const {
    auto it = checkpoint_.metadata.find(key);
    if (it == checkpoint_.metadata.end()) bad("no metadata '" + key + "' to resume from");
    return it->second;
  }

  template <typename Integer>
  Integer integer(const std::string& key) const {
    const std::string& value = text(key);
    Integer result{};
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), result);
    if (error != std::errc() || end != value.data() + value.size())
      bad("metadata '" + key + "' = '" + value + "' is not an integer in range");
    return result;
  }

  double real(const std::string& key) const {
    const std::string& value = text(key);
    double result = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), result);
    if (error != std::errc() || end != value.data() + value.size())
      bad("metadata '" + key + "' = '" + value + "' is not a number");
    return result;
  }

  const Matrix& tensor(const std::string& name) const {
    auto it = checkpoint_.tensors.find(name);
    if (it == checkpoint_.tensors.end()) bad("no tensor '" + name + "' to resume from");
    return it->second;
  }

  Vector vector(const std::string& name) const {
    const Matrix& values = tensor(name);
    if (values.cols() != 1) bad("tensor '" + name + "' is not a column vector");
    return values.col(0);
  }

  Scalar scalar(const std::string& name) const {
    const Matrix& values = tensor(name);
    if (values.size() != 1) bad("tensor '" + name + "' is not 1x1");
    return values(0, 0);
  }

  const Checkpoint& checkpoint() const { return checkpoint_; }

 private:
  const Checkpoint& checkpoint_;
  const std::filesystem::path& path_;
};

StageProgress read_progress(const PositionReader& reader, const TrainingStage& stage) {
  const std::string& optimizer = reader.text("resume.optimizer");
  if (optimizer != stage.name)
    reader.bad("its stage " + reader.text("stage") + " ran optimizer '" + optimizer + "' but the config's runs '" +
               stage.name + "'");
  StageProgress progress;
  progress.iteration = reader.integer<long>("iteration");
  progress.optimizer.iterations = progress.iteration;
  const std::string vectors = kOptimizerPrefix + optimizer + ".";
  const std::string scalars = kOptimizerScalarPrefix + optimizer + ".";
  for (const auto& [name, values] : reader.checkpoint().tensors) {
    if (name.starts_with(vectors)) progress.optimizer.vectors[name.substr(vectors.size())] = reader.vector(name);
    if (name.starts_with(scalars)) progress.optimizer.scalars[name.substr(scalars.size())] = reader.scalar(name);
  }
  const Vector order = reader.vector("state.objective.order");
  for (Index i = 0; i < order.size(); ++i) {
    if (order[i] != static_cast<Scalar>(static_cast<Index>(order[i])))
      reader.bad("tensor 'state.objective.order' holds a non-integer at " + std::to_string(i));
    progress.objective.order.push_back(static_cast<Index>(order[i]));
  }
  progress.objective.rng = {reader.integer<std::uint64_t>("resume.rng_key"),
                            reader.integer<std::uint64_t>("resume.rng_counter")};
  progress.objective.cursor = reader.integer<Index>("resume.cursor");
  progress.objective.nll_sum = reader.scalar("state.objective.nll_sum");
  progress.objective.nll_count = reader.integer<long>("resume.nll_count");
  progress.epochs = reader.integer<long>("resume.epochs");
  progress.best_epoch = reader.integer<long>("resume.best_epoch");
  progress.epochs_without_improvement = reader.integer<long>("resume.epochs_without_improvement");
  progress.best_validation_nll = reader.scalar("state.trainer.best_validation_nll");
  if (reader.checkpoint().tensors.count("state.trainer.best_theta"))
    progress.best_theta = reader.vector("state.trainer.best_theta");
  if (progress.iteration < 1 || progress.iteration >= stage.iterations)
    reader.bad("iteration " + std::to_string(progress.iteration) + " is not inside its stage of " +
               std::to_string(stage.iterations) + " iterations");
  return progress;
}

}  // namespace

CheckpointContents describe_position(const RunPosition& position, const std::string& optimizer) {
  CheckpointContents contents;
  auto& metadata = contents.metadata;
  metadata["stage"] = std::to_string(position.stage);
  metadata["stages_completed"] = std::to_string(position.stage);
  metadata["iteration"] = std::to_string(position.progress ? position.progress->iteration : 0);
  metadata["resume.metrics_rows"] = std::to_string(position.metrics_rows);
  metadata["resume.nfe"] = std::to_string(position.function_evaluations);
  char seconds[32];
  auto end = std::to_chars(seconds, seconds + sizeof seconds, position.seconds).ptr;
  metadata["resume.seconds"] = std::string(seconds, end);
  if (!position.progress) return contents;

  const StageProgress& progress = *position.progress;
  auto& tensors = contents.tensors;
  metadata["resume.optimizer"] = optimizer;
  for (const auto& [name, values] : progress.optimizer.vectors)
    tensors[kOptimizerPrefix + optimizer + "." + name] = column(values);
  for (const auto& [name, value] : progress.optimizer.scalars)
    tensors[kOptimizerScalarPrefix + optimizer + "." + name] = scalar(value);
  Vector order(static_cast<Index>(progress.objective.order.size()));
  for (Index i = 0; i < order.size(); ++i)
    order[i] = static_cast<Scalar>(progress.objective.order[static_cast<std::size_t>(i)]);
  tensors["state.objective.order"] = column(order);
  tensors["state.objective.nll_sum"] = scalar(progress.objective.nll_sum);
  tensors["state.trainer.best_validation_nll"] = scalar(progress.best_validation_nll);
  if (progress.best_theta.size() > 0) tensors["state.trainer.best_theta"] = column(progress.best_theta);
  metadata["resume.rng_key"] = std::to_string(progress.objective.rng.key);
  metadata["resume.rng_counter"] = std::to_string(progress.objective.rng.counter);
  metadata["resume.cursor"] = std::to_string(progress.objective.cursor);
  metadata["resume.nll_count"] = std::to_string(progress.objective.nll_count);
  metadata["resume.epochs"] = std::to_string(progress.epochs);
  metadata["resume.best_epoch"] = std::to_string(progress.best_epoch);
  metadata["resume.epochs_without_improvement"] = std::to_string(progress.epochs_without_improvement);
  return contents;
}

RunPosition read_position(const Checkpoint& checkpoint, const std::filesystem::path& path,
                          const std::vector<TrainingStage>& stages) {
  const PositionReader reader(checkpoint, path);
  RunPosition position;
  position.stage = reader.integer<std::size_t>("stage");
  if (position.stage > stages.size())
    reader.bad("stage " + std::to_string(position.stage) + " but the config has " + std::to_string(stages.size()) +
               " stages");
  position.metrics_rows = reader.integer<long>("resume.metrics_rows");
  position.function_evaluations = reader.integer<long>("resume.nfe");
  position.seconds = reader.real("resume.seconds");
  if (reader.integer<long>("iteration") > 0) {
    if (position.stage == stages.size()) reader.bad("an iteration count after the last stage");
    position.progress = read_progress(reader, stages[position.stage]);
  }
  return position;
}

std::vector<std::vector<std::string>> read_metrics_rows(const std::filesystem::path& path,
                                                        const std::vector<std::string>& header, long rows) {
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::size_t begin = 0;
    for (std::size_t comma; (comma = line.find(',', begin)) != std::string::npos; begin = comma + 1)
      cells.push_back(line.substr(begin, comma - begin));
    cells.push_back(line.substr(begin));
    return cells;
  };
  std::vector<std::vector<std::string>> table;
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line))
    throw DataError("cannot resume: no metrics at '" + path.string() + "' to continue");
  if (split(line) != header)
    throw DataError("cannot resume: '" + path.string() + "' does not start with the metrics header");
  while (static_cast<long>(table.size()) < rows && std::getline(in, line)) {
    table.push_back(split(line));
    if (table.back().size() != header.size())
      throw DataError("cannot resume: '" + path.string() + "' line " + std::to_string(table.size() + 1) + " has " +
                      std::to_string(table.back().size()) + " cells, not " + std::to_string(header.size()));
  }
  if (static_cast<long>(table.size()) < rows)
    throw DataError("cannot resume: '" + path.string() + "' has " + std::to_string(table.size()) +
                    " rows but the checkpoint covers " + std::to_string(rows));
  return table;
}

std::map<std::string, std::string> plugin_metadata(const Registry& registry) {
  nlohmann::ordered_json libraries = nlohmann::ordered_json::object();
  for (const RegisteredComponent* component : registry.list())
    libraries[component->library_name] = component->library_version;
  return {{"plugins", libraries.dump()}, {"build_tag", LIOUVILLE_BUILD_TAG}};
}

void check_plugin_versions(const Checkpoint& checkpoint, const std::filesystem::path& path,
                           const Registry& registry) {
  const std::string where = "checkpoint '" + path.string() + "'";
  auto tag = checkpoint.metadata.find("build_tag");
  if (tag != checkpoint.metadata.end() && tag->second != LIOUVILLE_BUILD_TAG)
    throw DataError(where + " was written by plugins built as '" + tag->second + "', these are built as '" +
                    LIOUVILLE_BUILD_TAG + "'; rebuild with the same toolchain or retrain");
  auto plugins = checkpoint.metadata.find("plugins");
  if (plugins == checkpoint.metadata.end()) return;
  nlohmann::json written = nlohmann::json::parse(plugins->second, nullptr, false);
  if (!written.is_object()) throw DataError(where + ": metadata 'plugins' is not a JSON object");
  std::map<std::string, const RegisteredComponent*> loaded;  // one component per library
  for (const RegisteredComponent* component : registry.list()) loaded.emplace(component->library_name, component);
  std::string problems;
  for (const auto& [library, component] : loaded) {
    auto it = written.find(library);
    if (it == written.end()) continue;
    if (!it->is_string())
      throw DataError(where + ": metadata 'plugins' gives " + library + " a non-string version");
    const std::string version = it->get<std::string>();
    if (version != component->library_version)
      problems += "\n  " + library + " " + version + " wrote it, " + component->library_version + " is loaded (" +
                  component->library_path + ")";
  }
  if (!problems.empty()) throw DataError(where + " needs other plugin versions:" + problems);
}

}  // namespace liouville::host
