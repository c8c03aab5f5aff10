#include "liouville/core/errors.hpp"

#include <sstream>

namespace liouville {

Error::~Error() = default;
ConfigError::~ConfigError() = default;
PluginError::~PluginError() = default;
NotSupported::~NotSupported() = default;
DataError::~DataError() = default;
NumericalError::~NumericalError() = default;
SolverError::~SolverError() = default;

const char* to_string(SolverFailure failure) {
  switch (failure) {
    case SolverFailure::kStepSizeUnderflow:
      return "step-size underflow";
    case SolverFailure::kMaxSteps:
      return "maximum number of steps reached";
    case SolverFailure::kNonFinite:
      return "non-finite values";
  }
  return "unknown solver failure";
}

namespace {

std::string solver_message(SolverFailure failure, Scalar t, Scalar h, long step, const std::string& detail) {
  std::ostringstream out;
  out << "ODE solve failed: " << to_string(failure) << " at t = " << t << " (step " << step << ", h = " << h
      << ")";
  if (!detail.empty()) out << ": " << detail;
  return out.str();
}

}  // namespace

SolverError::SolverError(SolverFailure failure, Scalar t, Scalar h, long step, const std::string& detail)
    : Error(solver_message(failure, t, h, step, detail)),
      failure_(failure),
      t_(t),
      h_(h),
      step_(step),
      detail_(detail) {}

}  // namespace liouville
