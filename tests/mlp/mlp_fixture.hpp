// Builds mlp vector fields through the registry, as the host does, and a
// reference forward pass written sample by sample from the definition.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/core/vector_field.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::testing {

inline const std::string kMlpPath = "model.flow[0].vector_field";

struct MlpConfig {
  std::vector<long> hidden{3};
  std::string activation = "tanh";
  std::string output_activation = "identity";
  std::string time_input = "none";
  std::string init = "lux";
};

inline Params mlp_params(const MlpConfig& config) {
  Params params(kMlpPath, "mlp");
  params.set("hidden", Value{config.hidden});
  params.set("activation", Value{config.activation});
  params.set("output_activation", Value{config.output_activation});
  params.set("time_input", Value{config.time_input});
  params.set("init", Value{config.init});
  return params;
}

inline const Registry& mlp_registry() {
  static Registry registry;
  static const bool loaded = [] {
    registry.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_mlp.so");
    return true;
  }();
  (void)loaded;
  return registry;
}

// The store outlives the field, whose parameter slices point into it.
struct BuiltMlp {
  ParameterStore store;
  std::shared_ptr<VectorField> field;
};

inline std::unique_ptr<BuiltMlp> build_mlp(const MlpConfig& config, Index dim, std::uint64_t seed = 7) {
  auto built = std::make_unique<BuiltMlp>();
  Rng init_rng(seed);
  RegistryBuildContext context(mlp_registry(), built->store, init_rng, dim);
  built->field = std::dynamic_pointer_cast<VectorField>(
      mlp_registry().create(VectorField::kInterface, mlp_params(config), context));
  return built;
}

inline double reference_activation(const std::string& name, double a) {
  if (name == "tanh") return std::tanh(a);
  if (name == "softplus") return std::log1p(std::exp(a));
  if (name == "relu") return a > 0 ? a : 0;
  if (name == "sigmoid") return 1 / (1 + std::exp(-a));
  if (name == "elu") return a > 0 ? a : std::exp(a) - 1;
  if (name == "swish") return a / (1 + std::exp(-a));
  return a;
}

struct ReferenceOutput {
  Matrix f;
  double smallest_hidden_preactivation = std::numeric_limits<double>::infinity();  // min |a| over hidden units
};

// f(t, z) from the named slices "<path>.layers[k].weight|bias", one sample at a time.
inline ReferenceOutput reference_forward(const ParameterStore& store, const MlpConfig& config, Scalar t,
                                         const Matrix& z) {
  const std::size_t layers = config.hidden.size() + 1;
  ReferenceOutput out;
  out.f.resize(z.rows(), z.cols());
  for (Index j = 0; j < z.cols(); ++j) {
    std::vector<double> x(z.col(j).data(), z.col(j).data() + z.rows());
    for (std::size_t k = 0; k < layers; ++k) {
      const std::string prefix = kMlpPath + ".layers[" + std::to_string(k) + "]";
      const ParameterSliceInfo* weight = store.find(prefix + ".weight");
      const ParameterSliceInfo* bias = store.find(prefix + ".bias");
      if (k == 0 && config.time_input == "concat") x.push_back(t);
      const bool squash = config.time_input == "concatsquash";
      const ParameterSliceInfo* gate_weight = squash ? store.find(prefix + ".gate_weight") : nullptr;
      const ParameterSliceInfo* gate_bias = squash ? store.find(prefix + ".gate_bias") : nullptr;
      const ParameterSliceInfo* time_weight = squash ? store.find(prefix + ".time_weight") : nullptr;
      std::vector<double> next(weight->rows);
      for (Index r = 0; r < weight->rows; ++r) {
        double a = store.values()[bias->offset + r];
        for (Index c = 0; c < weight->cols; ++c) a += store.values()[weight->offset + c * weight->rows + r] * x[c];
        if (squash) {
          // (W x + b) sigmoid(g t + c) + t d
          const double gate = store.values()[gate_weight->offset + r] * t + store.values()[gate_bias->offset + r];
          a = a / (1 + std::exp(-gate)) + t * store.values()[time_weight->offset + r];
        }
        const bool last = k + 1 == layers;
        if (!last) out.smallest_hidden_preactivation = std::min(out.smallest_hidden_preactivation, std::abs(a));
        next[r] = reference_activation(last ? config.output_activation : config.activation, a);
      }
      x = next;
    }
    for (Index i = 0; i < z.rows(); ++i) out.f(i, j) = x[i];
  }
  return out;
}

}  // namespace liouville::testing
