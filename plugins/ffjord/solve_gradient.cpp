#include "solve_gradient.hpp"

#include <string>

#include "discrete_gradient.hpp"
#include "liouville/core/errors.hpp"

namespace liouville {

std::unique_ptr<SolveGradient> make_solve_gradient(std::string_view method) {
  if (method == "discrete") return std::make_unique<DiscreteGradient>();
  throw ConfigError("unknown gradient method '" + std::string(method) + "'");
}

}  // namespace liouville
