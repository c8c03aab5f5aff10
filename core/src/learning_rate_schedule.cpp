#include "liouville/core/learning_rate_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "liouville/core/errors.hpp"

namespace liouville {

LearningRateSchedule LearningRateSchedule::cosine(long total_iterations, Scalar final_factor,
                                                  long warmup_iterations) {
  if (warmup_iterations < 0 || total_iterations <= warmup_iterations)
    throw ConfigError("cosine schedule: the warm-up (" + std::to_string(warmup_iterations) +
                      " iterations) must be non-negative and shorter than the stage (" +
                      std::to_string(total_iterations) + " iterations)");
  if (!(final_factor >= 0 && final_factor <= 1))
    throw ConfigError("cosine schedule: final_factor must lie in [0, 1], got " + std::to_string(final_factor));
  LearningRateSchedule schedule;
  schedule.kind_ = Kind::kCosine;
  schedule.total_ = total_iterations;
  schedule.warmup_ = warmup_iterations;
  schedule.final_factor_ = final_factor;
  return schedule;
}

LearningRateSchedule LearningRateSchedule::step(long every, Scalar gamma) {
  if (every < 1) throw ConfigError("step schedule: `every` must be at least 1, got " + std::to_string(every));
  if (!(gamma > 0 && gamma <= 1))
    throw ConfigError("step schedule: gamma must lie in (0, 1], got " + std::to_string(gamma));
  LearningRateSchedule schedule;
  schedule.kind_ = Kind::kStep;
  schedule.every_ = every;
  schedule.gamma_ = gamma;
  return schedule;
}

Scalar LearningRateSchedule::factor(long iteration) const {
  switch (kind_) {
    case Kind::kConstant:
      return 1;
    case Kind::kCosine: {
      if (iteration <= warmup_) return static_cast<Scalar>(iteration) / static_cast<Scalar>(warmup_);
      const Scalar progress =
          std::min<Scalar>(1, static_cast<Scalar>(iteration - warmup_) / static_cast<Scalar>(total_ - warmup_));
      return final_factor_ + (1 - final_factor_) * 0.5 * (1 + std::cos(std::numbers::pi * progress));
    }
    case Kind::kStep:
      return std::pow(gamma_, static_cast<Scalar>((iteration - 1) / every_));
  }
  return 1;
}

}  // namespace liouville
