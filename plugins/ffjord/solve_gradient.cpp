#include "solve_gradient.hpp"

#include <string>

#include "adjoint_gradient.hpp"
#include "discrete_gradient.hpp"
#include "liouville/core/errors.hpp"

namespace liouville {

std::unique_ptr<SolveGradient> make_solve_gradient(std::string_view method, ParameterBlock parameters,
                                                   bool seminorm) {
  if (method == "discrete") return std::make_unique<DiscreteGradient>();
  if (method == "adjoint") return std::make_unique<AdjointGradient>(parameters, seminorm);
  throw ConfigError("unknown gradient method '" + std::string(method) + "'");
}

}  // namespace liouville
