#include "plots/flow_states.hpp"

#include <cstdio>

#include "checkpoint.hpp"
#include "liouville/core/chain.hpp"

namespace liouville::host {
namespace {

std::vector<std::shared_ptr<Bijection>> flow_layers(const Experiment& experiment) {
  const Bijection& flow = experiment.model->flow();
  if (const auto* chain = dynamic_cast<const Chain*>(&flow)) return chain->layers();
  // A one-layer flow is the layer itself; share it without owning it (the experiment does).
  return {std::shared_ptr<Bijection>(std::shared_ptr<Bijection>(), const_cast<Bijection*>(&flow))};
}

// The trained experiment with model.flow[index].tspan set to [tau, t1].
Experiment with_tspan(const TrainedModel& model, std::size_t index, double tau, double t1) {
  Params config = model.experiment.config;
  Params model_section = config.child("model");
  std::vector<Params> flow = model_section.children("flow");
  flow[index].set("tspan", std::vector<double>{tau, t1});
  model_section.set_children("flow", std::move(flow));
  config.set_child("model", std::move(model_section));
  Experiment rebuilt = build_experiment(config, model.registry, model.experiment.standardization);
  restore_parameters(read_checkpoint(model.checkpoint), model.checkpoint, *rebuilt.parameters);
  return rebuilt;
}

Matrix invert(const Bijection& layer, const Matrix& z, Rng& noise) {
  Matrix x(z.rows(), z.cols());
  Vector logdet(z.cols());
  layer.inverse(z, x, logdet, noise);
  return x;
}

std::string format_time(double t) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", t);
  return text;
}

}  // namespace

FlowStates carry_base_to_data(const TrainedModel& model, Index n, int cnf_steps) {
  const Experiment& experiment = model.experiment;
  Rng rng = experiment.stream(Stream::kSampling).split(0x7261);
  Matrix state(experiment.model->dim(), n);
  experiment.model->base().sample(rng, state);
  FlowStates result{{"base"}, {state}};

  const std::vector<std::shared_ptr<Bijection>> layers = flow_layers(experiment);
  const std::vector<Params>& flow_config = experiment.config.child("model").children("flow");
  const std::size_t offset = experiment.standardization ? 1 : 0;
  for (std::size_t k = layers.size(); k-- > 0;) {
    if (k < offset) {
      state = invert(*layers[k], state, rng);
      result.labels.emplace_back("unstandardized");
      result.states.push_back(state);
      continue;
    }
    const Params& layer_config = flow_config[k - offset];
    const std::string name = "flow[" + std::to_string(k - offset) + "]";
    if (layer_config.type() == "ffjord") {
      const std::vector<double>& tspan = layer_config.get_real_list("tspan");
      for (int j = 1; j < cnf_steps; ++j) {
        // The data end is t0 and the base end t1: stop at tau between them.
        const double tau = tspan[1] + (tspan[0] - tspan[1]) * j / cnf_steps;
        const Experiment partial = with_tspan(model, k - offset, tau, tspan[1]);
        const std::vector<std::shared_ptr<Bijection>> partial_layers = flow_layers(partial);
        result.labels.push_back(name + " t=" + format_time(tau));
        result.states.push_back(invert(*partial_layers[k], state, rng));
      }
      state = invert(*layers[k], state, rng);
      result.labels.push_back(name + " t=" + format_time(tspan[0]));
    } else {
      state = invert(*layers[k], state, rng);
      result.labels.push_back(name + " " + layer_config.type());
    }
    result.states.push_back(state);
  }
  return result;
}

}  // namespace liouville::host
