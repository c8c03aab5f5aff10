// Learning-rate schedules: a factor multiplying an optimizer's base learning rate
// at iteration t = 1, 2, ... of a stage.
//   constant   1
//   cosine     linear warm-up over the first W iterations, then
//              f + (1 - f) (1 + cos(pi s / S)) / 2 with s = t - W, S = T - W
//              (Loshchilov and Hutter 2017, SGDR, one cycle without restarts)
//   step       gamma^floor((t - 1) / every)
#pragma once

#include "liouville/core/types.hpp"

namespace liouville {

class LearningRateSchedule {
 public:
  LearningRateSchedule() = default;  // constant

  // Throws ConfigError for total <= warmup, final_factor outside [0, 1] or warmup < 0.
  static LearningRateSchedule cosine(long total_iterations, Scalar final_factor, long warmup_iterations);
  // Throws ConfigError for every < 1 or gamma outside (0, 1].
  static LearningRateSchedule step(long every, Scalar gamma);

  bool is_constant() const { return kind_ == Kind::kConstant; }
  Scalar factor(long iteration) const;

 private:
  enum class Kind { kConstant, kCosine, kStep };
  Kind kind_ = Kind::kConstant;
  long total_ = 0;
  long warmup_ = 0;
  long every_ = 1;
  Scalar final_factor_ = 1;
  Scalar gamma_ = 1;
};

}  // namespace liouville
