#include "experiment.hpp"

#include "experiment_schema.hpp"
#include "liouville/core/chain.hpp"

namespace liouville::host {

Params validate(const ConfigDocument& document, Registry& registry) {
  registry.load_search_path(document.plugin_paths());
  return bind(document, experiment_schema(), registry);
}

Experiment build_experiment(const Params& config, const Registry& registry) {
  Experiment experiment;
  experiment.seed = static_cast<std::uint64_t>(config.get_int("seed"));
  experiment.config = config;
  experiment.parameters = std::make_unique<ParameterStore>();
  Rng init_rng = experiment.stream(Stream::kInitialization);

  {
    RegistryBuildContext data_context(registry, *experiment.parameters, init_rng, 0);
    experiment.dataset = data_context.create<Dataset>(config, "data");
  }
  Rng data_rng = experiment.stream(Stream::kData);
  experiment.training_data = experiment.dataset->training_data(data_rng);

  RegistryBuildContext context(registry, *experiment.parameters, init_rng, experiment.dataset->dim());
  const Params& model = config.child("model");
  auto base = context.create<Distribution>(model, "base");
  auto layers = context.create_list<Bijection>(model, "flow");
  const ChainMemory memory = parse_chain_memory(model.get_string("memory"), model.path() + ".memory");
  std::shared_ptr<Bijection> flow =
      layers.size() == 1 ? layers.front() : std::make_shared<Chain>(std::move(layers), memory);
  experiment.model = std::make_unique<DensityModel>(std::move(base), std::move(flow));

  const Params& train = config.child("train");
  for (const Params& stage : train.children("stages")) {
    experiment.stages.push_back(
        TrainingStage{stage.child("optimizer").type(), context.create<Optimizer>(stage, "optimizer"),
                      stage.get_int("iterations"), train.get_int("batch_size"), train.get_real("weight_decay")});
  }
  return experiment;
}

}  // namespace liouville::host
