// Builds planar_cnf vector fields through the registry, as the host does, and a
// reference f(t, z) written sample by sample from the definition.
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

inline const std::string kPlanarCnfPath = "model.flow[0].vector_field";

struct PlanarCnfConfig {
  long units = 3;
  std::string activation = "tanh";
  long gate_width = 5;
  long gate_depth = 2;
  std::string gate_activation = "tanh";
  bool include_identity = false;
  std::string u_constraint = "none";
  double init_scale = 0.7;
};

inline Params planar_cnf_params(const PlanarCnfConfig& config) {
  Params params(kPlanarCnfPath, "planar_cnf");
  params.set("units", Value{config.units});
  params.set("activation", Value{config.activation});
  params.set("gate_width", Value{config.gate_width});
  params.set("gate_depth", Value{config.gate_depth});
  params.set("gate_activation", Value{config.gate_activation});
  params.set("include_identity", Value{config.include_identity});
  params.set("u_constraint", Value{config.u_constraint});
  params.set("init_scale", Value{config.init_scale});
  return params;
}

inline const Registry& planar_cnf_registry() {
  static Registry registry;
  static const bool loaded = [] {
    for (const char* name : {"planar_cnf", "exact", "mlp"})
      registry.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_" + name + ".so");
    return true;
  }();
  (void)loaded;
  return registry;
}

// The store outlives the field, whose parameter slices point into it.
struct BuiltField {
  ParameterStore store;
  std::shared_ptr<VectorField> field;
};

inline std::unique_ptr<BuiltField> build_planar_cnf(const PlanarCnfConfig& config, Index dim,
                                                    std::uint64_t seed = 7) {
  auto built = std::make_unique<BuiltField>();
  Rng init_rng(seed);
  RegistryBuildContext context(planar_cnf_registry(), built->store, init_rng, dim);
  built->field = std::dynamic_pointer_cast<VectorField>(
      planar_cnf_registry().create(VectorField::kInterface, planar_cnf_params(config), context));
  return built;
}

inline double reference_activation(const std::string& name, double a) {
  if (name == "tanh") return std::tanh(a);
  if (name == "softplus") return std::log1p(std::exp(a));
  if (name == "sigmoid") return 1 / (1 + std::exp(-a));
  return a > 0 ? a : 0;  // relu
}

struct ReferenceField {
  Matrix f;
  double smallest_gate_preactivation = std::numeric_limits<double>::infinity();  // min |a| over gate hidden units
};

// Reads entry (r, c) of the named slice.
inline double entry(const ParameterStore& store, const std::string& name, Index r, Index c) {
  const ParameterSliceInfo* slice = store.find(name);
  return store.values()[slice->offset + c * slice->rows + r];
}

// f(t, z) = sum_i g_i(t) (u_hat_i h(w_i.z + b_i) [+ z]) from the named slices,
// one sample and one unit at a time; u_hat as flowjax's Planar computes it.
inline ReferenceField reference_field(const ParameterStore& store, const PlanarCnfConfig& config, Scalar t,
                                      const Matrix& z) {
  const Index dim = z.rows();
  const std::string& path = kPlanarCnfPath;
  ReferenceField out;
  out.f = Matrix::Zero(dim, z.cols());
  for (long i = 0; i < config.units; ++i) {
    // The gate: an MLP of one input and one output.
    std::vector<double> x{t};
    for (long k = 0; k <= config.gate_depth; ++k) {
      const std::string prefix = path + ".gates[" + std::to_string(i) + "].layers[" + std::to_string(k) + "]";
      const long out_size = k == config.gate_depth ? 1 : config.gate_width;
      std::vector<double> next(out_size);
      for (long r = 0; r < out_size; ++r) {
        double a = entry(store, prefix + ".bias", r, 0);
        for (std::size_t c = 0; c < x.size(); ++c) a += entry(store, prefix + ".weight", r, c) * x[c];
        if (k == config.gate_depth) {
          next[r] = a;
        } else {
          out.smallest_gate_preactivation = std::min(out.smallest_gate_preactivation, std::abs(a));
          next[r] = reference_activation(config.gate_activation, a);
        }
      }
      x = next;
    }
    const double gate = x[0];

    std::vector<double> u(dim), w(dim);
    double wu = 0, ww = 0;
    for (Index d = 0; d < dim; ++d) {
      u[d] = entry(store, path + ".u", d, i);
      w[d] = entry(store, path + ".w", d, i);
      wu += w[d] * u[d];
      ww += w[d] * w[d];
    }
    if (config.u_constraint == "flowjax") {
      const double m = -1 + std::log(1 + std::log1p(std::exp(wu)));
      for (Index d = 0; d < dim; ++d) u[d] += (m - wu) * w[d] / ww;
    }
    const double b = entry(store, path + ".b", i, 0);
    for (Index j = 0; j < z.cols(); ++j) {
      double a = b;
      for (Index d = 0; d < dim; ++d) a += w[d] * z(d, j);
      const double h = reference_activation(config.activation, a);
      for (Index d = 0; d < dim; ++d) out.f(d, j) += gate * (u[d] * h + (config.include_identity ? z(d, j) : 0.0));
    }
  }
  return out;
}

}  // namespace liouville::testing
