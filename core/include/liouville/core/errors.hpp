// The exception types of Liouville. Plugins throw only these (their typeinfo lives
// in liouville_core, so an exception thrown in a plugin is caught by type in the host).
#pragma once

#include <stdexcept>
#include <string>

#include "liouville/core/types.hpp"

namespace liouville {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~Error() override;
};

// A configuration value that is invalid (found while building or validating).
class ConfigError : public Error {
 public:
  using Error::Error;
  ~ConfigError() override;
};

// A plugin library that cannot be loaded or misbehaves.
class PluginError : public Error {
 public:
  using Error::Error;
  ~PluginError() override;
};

// An optional capability the component does not offer (e.g. an inverse).
class NotSupported : public Error {
 public:
  using Error::Error;
  ~NotSupported() override;
};

// A malformed data file, checkpoint or array.
class DataError : public Error {
 public:
  using Error::Error;
  ~DataError() override;
};

// A non-finite loss, gradient or parameter during training.
class NumericalError : public Error {
 public:
  using Error::Error;
  ~NumericalError() override;
};

// Why an ODE solve gave up. A NaN never looks like a stiff problem.
enum class SolverFailure {
  kStepSizeUnderflow,  // the step size fell below dt_min with finite values
  kMaxSteps,           // max_steps attempted steps were taken before reaching t1
  kNonFinite,          // the state or the vector field became NaN or Inf
};

const char* to_string(SolverFailure failure);

class SolverError : public Error {
 public:
  SolverError(SolverFailure failure, Scalar t, Scalar h, long step, const std::string& detail);
  ~SolverError() override;

  SolverFailure failure() const { return failure_; }
  Scalar t() const { return t_; }
  Scalar h() const { return h_; }
  long step() const { return step_; }
  const std::string& detail() const { return detail_; }  // what() without the common prefix

 private:
  SolverFailure failure_;
  Scalar t_;
  Scalar h_;
  long step_;
  std::string detail_;
};

}  // namespace liouville
