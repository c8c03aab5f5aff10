// A point mass at the origin: the smallest working Distribution, shared by the
// deliberately broken test plugins (each derives it under its own name).
#pragma once

#include <limits>
#include <liouville/plugin.hpp>

namespace liouville::testing {

class TinyDistribution : public Distribution {
 public:
  static constexpr std::string_view kSummary = "A point mass at the origin (loader test plugin).";
  static void declare(Schema&) {}

  explicit TinyDistribution(BuildContext& context) : dim_(context.dim()) {}

  Index dim() const override { return dim_; }
  void log_density(ConstMatrixRef z, VectorRef log_p) const override {
    for (Index j = 0; j < z.cols(); ++j)
      log_p(j) = z.col(j).isZero(0) ? 0.0 : -std::numeric_limits<Scalar>::infinity();
  }
  void log_density_gradient(ConstMatrixRef, MatrixRef gradient) const override { gradient.setZero(); }
  void sample(Rng&, MatrixRef z) const override { z.setZero(); }

 private:
  Index dim_;
};

}  // namespace liouville::testing
