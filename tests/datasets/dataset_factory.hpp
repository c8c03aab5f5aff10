// Builds a data set plugin as the host does (the YAML config bound against the
// registered schema, then built through the registry), and the statistics the
// data set tests compare against their definitions.
//
//   auto moons = make_dataset("two_moons", "noise: 0.5, n: 100");
#pragma once

#include <cmath>
#include <memory>
#include <string>

#include "liouville/core/dataset.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::testing {

inline const Registry& dataset_registry() {
  static const Registry registry = [] {
    Registry r;
    r.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_toy2d.so");
    return r;
  }();
  return registry;
}

// `fields` is the body of a YAML flow map, e.g. "n: 10, noise: 0.1".
inline std::shared_ptr<Dataset> make_dataset(const std::string& name, const std::string& fields = "") {
  Schema top;
  top.component("data", Dataset::kInterface).required();
  const std::string yaml = "data: {type: " + name + (fields.empty() ? "" : ", " + fields) + "}\n";
  const Params params = bind(ConfigDocument::from_string(yaml, "test.yaml"), top, dataset_registry());
  ParameterStore store;
  Rng rng(1);
  RegistryBuildContext context(dataset_registry(), store, rng, 0);
  return context.create<Dataset>(params, "data");
}

// How many standard errors of the mean separate mean(values) from `expected`.
inline double standard_errors_off(const Eigen::ArrayXd& values, double expected) {
  const double mean = values.mean();
  const double variance = (values - mean).square().sum() / static_cast<double>(values.size() - 1);
  return std::abs(mean - expected) / std::sqrt(variance / static_cast<double>(values.size()));
}

struct GridIntegrals {
  double mass = 0;        // integral of p
  double mean_log_p = 0;  // integral of p log p
};

// Midpoint rule over the box [x_low, x_high] x [y_low, y_high] with cells hx x hy.
inline GridIntegrals integrate_on_grid(const Dataset& data, double x_low, double x_high, double hx, double y_low,
                                       double y_high, double hy) {
  const Index nx = static_cast<Index>(std::lround((x_high - x_low) / hx));
  const Index ny = static_cast<Index>(std::lround((y_high - y_low) / hy));
  Matrix points(2, nx * ny);
  for (Index j = 0; j < ny; ++j)
    for (Index i = 0; i < nx; ++i) points.col(j * nx + i) << x_low + (i + 0.5) * hx, y_low + (j + 0.5) * hy;
  Vector log_p(points.cols());
  data.log_density(points, log_p);
  const Eigen::ArrayXd p = log_p.array().exp();
  return {p.sum() * hx * hy, (p * log_p.array()).sum() * hx * hy};
}

}  // namespace liouville::testing
