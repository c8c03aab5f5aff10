// An experiment built from a validated config: the data set, the density model
// with its parameters, and the training stages.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "liouville/core/dataset.hpp"
#include "liouville/core/density_model.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/standardization.hpp"
#include "liouville/core/trainer.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::host {

// Random streams of an experiment, so each draw is reproducible on its own.
enum class Stream : std::uint64_t {
  kData = 1,
  kInitialization = 2,
  kEvaluation = 3,
  kSampling = 4,
  kDensity = 5,
  kValidationSplit = 6,
};

struct Experiment {
  std::uint64_t seed = 0;
  Params config;  // validated, defaults filled
  std::shared_ptr<Dataset> dataset;
  Matrix training_data;    // without the validation split
  Matrix validation_data;  // train.validation_fraction of the data set; may be empty
  // model.standardize: fitted on training_data, the model's first layer.
  std::shared_ptr<const Standardization> standardization;
  std::unique_ptr<ParameterStore> parameters;
  std::unique_ptr<DensityModel> model;
  std::vector<TrainingStage> stages;

  Rng stream(Stream which) const { return Rng(seed, static_cast<std::uint64_t>(which)); }
};

// Loads the plugins the document asks for, validates it (every error at once:
// ConfigErrors) and returns the bound parameters.
Params validate(const ConfigDocument& document, Registry& registry);

// Builds everything; plugin constructor failures name their config path. A
// rebuilt model passes the standardization stored with its parameters instead
// of fitting it again.
Experiment build_experiment(const Params& config, const Registry& registry,
                            std::shared_ptr<const Standardization> stored_standardization = nullptr);

}  // namespace liouville::host
