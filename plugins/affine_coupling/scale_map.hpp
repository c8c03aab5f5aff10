// The scale maps of an affine coupling: the conditioner's raw output r becomes
// the log of the scale applied to x_b, log_scale(r), with its derivative.
//   exp:       log_scale = r
//   exp_tanh:  log_scale = tanh(r)                               (bounded, |log scale| < 1)
//   sigmoid:   log_scale = log sigmoid(r + 2) = -softplus(-r - 2)  (Glow's code; scale in (0, 1))
#pragma once

#include <string>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville::coupling {

enum class ScaleMap { kExp, kExpTanh, kSigmoid };

const std::vector<std::string>& scale_map_names();
ScaleMap parse_scale_map(const std::string& name, const std::string& where);

// log_scale(r) and, when `slope` is not null, d log_scale / dr.
void log_scale(ScaleMap map, const Matrix& raw, Matrix& log_scale, Matrix* slope);

}  // namespace liouville::coupling
