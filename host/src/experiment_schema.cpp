#include "experiment_schema.hpp"

#include "liouville/core/bijection.hpp"
#include "liouville/core/dataset.hpp"
#include "liouville/core/distribution.hpp"
#include "liouville/core/optimizer.hpp"
#include "liouville/registry/params.hpp"

namespace liouville::host {

Schema experiment_schema() {
  Schema schema;
  schema.integer("liouville")
      .default_value(kConfigFormatVersion)
      .min(kConfigFormatVersion)
      .max(kConfigFormatVersion)
      .doc("Config format version.");
  schema.integer("seed").default_value(0).min(0).doc("Seed of every random draw (data, initialization, noise).");
  schema.string_list("plugins")
      .default_value(std::vector<std::string>{})
      .doc("Extra plugin libraries or folders, searched after LIOUVILLE_PLUGIN_PATH.");
  schema.component("data", Dataset::kInterface).required().doc("Where the training data comes from.");

  Schema& model = schema.section("model", "The density model: a base distribution pushed through a flow.");
  model.component("base", Distribution::kInterface).default_value("standard_normal").doc("Base distribution.");
  model.component_list("flow", Bijection::kInterface)
      .required()
      .min_size(1)
      .doc("Bijections applied in order from data to base.");
  model.choice("memory", {"store", "recompute"})
      .default_value("store")
      .doc(
          "Reverse pass of a flow of several bijections: store every layer's input, or recompute each from "
          "its output with the layer's inverse (memory flat in depth, one extra inverse and forward per layer).");

  Schema& train = schema.section("train", "Training: optimizer stages run in order.");
  train.integer("batch_size")
      .default_value(0)
      .min(0)
      .doc("Mini-batch size for stochastic optimizers; 0 = full batch.");
  train.real("weight_decay")
      .default_value(0.0)
      .min(0)
      .doc("L2 penalty (weight_decay / 2) |theta|^2 added to the training loss of every stage.");
  train.integer("log_every").default_value(10).min(1).doc("Print a progress line every this many iterations.");
  Schema& stage = train.section_list("stages", "Optimizer stages, e.g. Adam then L-BFGS.");
  stage.component("optimizer", Optimizer::kInterface).required().doc("The optimizer of this stage.");
  stage.integer("iterations").required().min(0).doc("Maximum iterations of this stage.");

  Schema& eval = schema.section("eval", "Evaluation after training and by `liouville eval`.");
  eval.integer("n").default_value(10000).min(1).doc(
      "Fresh held-out samples for the NLL (when the data can be sampled).");
  eval.integer("samples").default_value(10000).min(1).doc(
      "Samples drawn from the trained model into samples.csv.");
  return schema;
}

}  // namespace liouville::host
