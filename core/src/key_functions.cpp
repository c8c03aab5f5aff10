// Out-of-line destructors: the key functions that make liouville_core the one
// home of every interface's vtable and typeinfo.
#include "liouville/core/bijection.hpp"
#include "liouville/core/component.hpp"
#include "liouville/core/ode_system.hpp"
#include "liouville/core/optimizer.hpp"

namespace liouville {

Component::~Component() = default;
Tape::~Tape() = default;
OdeSystem::~OdeSystem() = default;
Objective::~Objective() = default;

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kMaxIterations:
      return "maximum iterations";
    case StopReason::kGradientTolerance:
      return "gradient tolerance";
    case StopReason::kNoProgress:
      return "no progress";
    case StopReason::kLineSearchFailure:
      return "line-search failure";
    case StopReason::kCallback:
      return "stopped by callback";
  }
  return "unknown";
}

}  // namespace liouville
