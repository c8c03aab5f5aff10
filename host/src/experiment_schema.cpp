#include "experiment_schema.hpp"

#include "liouville/core/bijection.hpp"
#include "liouville/core/dataset.hpp"
#include "liouville/core/distribution.hpp"
#include "liouville/core/optimizer.hpp"
#include "liouville/registry/params.hpp"

namespace liouville::host {
namespace {

void declare_schedule(Schema& schedule) {
  schedule.choice("type", {"constant", "cosine", "step"})
      .default_value("constant")
      .doc(
          "constant; cosine: warm-up, then a half cosine to final_factor; step: times gamma every `every` "
          "iterations.");
  schedule.real("final_factor").min(0).max(1).doc("cosine: the factor at the last iteration (default 0).");
  schedule.integer("warmup").min(0).doc("cosine: iterations of linear warm-up from 0 (default 0).");
  schedule.integer("every").min(1).doc("step: iterations between two decays (required for step).");
  schedule.real("gamma").greater_than(0).max(1).doc("step: the factor of each decay (default 0.1).");
  schedule.check([](const Params& params) -> std::optional<std::string> {
    const std::string& type = params.get_string("type");
    const bool cosine = type == "cosine";
    const bool step = type == "step";
    for (const char* key : {"final_factor", "warmup"})
      if (params.has(key) && !cosine)
        return std::string("`") + key + "` belongs to the cosine schedule, not " + type;
    for (const char* key : {"every", "gamma"})
      if (params.has(key) && !step) return std::string("`") + key + "` belongs to the step schedule, not " + type;
    if (step && !params.has("every")) return std::string("the step schedule needs `every`");
    return std::nullopt;
  });
}

void declare_stage(Schema& stage) {
  stage.component("optimizer", Optimizer::kInterface).required().doc("The optimizer of this stage.");
  stage.integer("iterations").min(0).doc("Maximum iterations of this stage (give this or epochs).");
  stage.integer("epochs").min(1).doc(
      "Maximum passes over the training set (give this or iterations); a full-batch optimizer's iteration is "
      "one epoch.");
  stage.real("clip_gradient_norm")
      .default_value(0.0)
      .min(0)
      .doc("Rescale the gradient to at most this Euclidean norm; 0 = off (stochastic optimizers only).");
  declare_schedule(stage.section("schedule", "Learning-rate schedule (optimizers with a learning rate)."));
  Schema& early = stage.section("early_stopping", "Stop when the validation NLL stops improving.");
  early.integer("patience")
      .default_value(0)
      .min(0)
      .doc("Epochs without improvement before the stage stops; 0 = never (needs train.validation_fraction).");
  early.real("min_delta")
      .default_value(0.0)
      .min(0)
      .doc("The least decrease of the best validation NLL that counts.");
  stage.boolean("keep_best")
      .default_value(true)
      .doc("With a validation split: end the stage with the parameters of its best validation epoch.");
  stage.check([](const Params& params) -> std::optional<std::string> {
    if (params.has("iterations") == params.has("epochs")) return std::string("give either iterations or epochs");
    return std::nullopt;
  });
}

}  // namespace

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
  schema.integer("threads").default_value(0).min(0).doc(
      "Threads a flow may split a batch over (the caller included); 0 = one per hardware thread. Results "
      "do not depend on it.");
  schema.component("data", Dataset::kInterface).required().doc("Where the training data comes from.");

  Schema& model = schema.section("model", "The density model: a base distribution pushed through a flow.");
  model.component("base", Distribution::kInterface).default_value("standard_normal").doc("Base distribution.");
  model.component_list("flow", Bijection::kInterface)
      .required()
      .min_size(1)
      .doc("Bijections applied in order from data to base.");
  model.boolean("standardize")
      .default_value(false)
      .doc(
          "Standardize the data by a fixed affine map fitted once on the training set (mean and standard "
          "deviation per coordinate), stored with the parameters; densities stay in data units, the map's "
          "log-determinant counted.");
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
  train.choice("on_nonfinite", {"stop", "skip"})
      .default_value("stop")
      .doc(
          "A non-finite loss or gradient: stop naming the component that produced it, or skip the step "
          "(parameters and optimizer state unchanged) and take the next mini-batch. Deterministic stages "
          "(lbfgs) always stop.");
  train.integer("max_consecutive_skips")
      .default_value(10)
      .min(1)
      .doc("With on_nonfinite: skip, this many non-finite steps in a row stop the stage.");
  train.integer("log_every").default_value(10).min(1).doc("Print a progress line every this many iterations.");
  train.integer("checkpoint_every")
      .default_value(0)
      .min(0)
      .doc(
          "Also write the checkpoint every this many iterations inside a stage, with the state `train --resume` "
          "continues from; 0 = only after each stage.");
  train.real("validation_fraction")
      .default_value(0.0)
      .min(0)
      .max(0.5)
      .doc("Fraction of the data set held out (a fixed, seeded split) for the validation NLL of every epoch.");
  declare_stage(train.section_list("stages", "Optimizer stages, e.g. Adam then L-BFGS."));

  Schema& eval = schema.section("eval", "Evaluation after training and by `liouville eval`.");
  eval.integer("n").default_value(10000).min(1).doc(
      "Fresh held-out samples for the NLL (when the data can be sampled).");
  eval.integer("samples").default_value(10000).min(1).doc(
      "Samples drawn from the trained model into samples.csv.");
  return schema;
}

}  // namespace liouville::host
