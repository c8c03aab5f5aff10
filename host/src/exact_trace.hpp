// Evaluation uses the exact trace: the config paths of every trace estimator
// other than `exact`, so `eval`, `sample` and `density` can override them.
#pragma once

#include <string>
#include <vector>

#include "liouville/registry/params.hpp"
#include "liouville/registry/registry.hpp"
#include "liouville/registry/schema.hpp"

namespace liouville::host {

// Paths such as "model.flow[0].trace" of TraceEstimator components whose type is
// not "exact", found by walking `params` with `top` and the plugins' schemas.
std::vector<std::string> inexact_trace_paths(const Params& params, const Schema& top, const Registry& registry);

}  // namespace liouville::host
