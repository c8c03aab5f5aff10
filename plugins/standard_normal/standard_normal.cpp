// The standard normal base density N(0, I) in the dimension of the flow.
#include <cmath>
#include <liouville/plugin.hpp>
#include <numbers>
#include <string>

namespace liouville {

class StandardNormal final : public Distribution {
 public:
  static constexpr std::string_view kName = "standard_normal";
  static constexpr std::string_view kSummary = "Standard normal base density N(0, I).";

  static void declare(Schema&) {}

  StandardNormal(const Params& params, BuildContext& context) : path_(params.path()), dim_(context.dim()) {
    if (dim_ < 1)
      throw ConfigError(path_ + ": standard_normal needs a dimension >= 1, got " + std::to_string(dim_));
  }

  Index dim() const override { return dim_; }

  // log p(z) = -|z|^2 / 2 - dim/2 log(2 pi)
  void log_density(ConstMatrixRef z, VectorRef log_p) const override {
    check_batch(z, log_p.size(), "log_density");
    log_p = -0.5 * z.colwise().squaredNorm().transpose();
    log_p.array() -= 0.5 * dim_ * std::log(2 * std::numbers::pi);
  }

  void log_density_gradient(ConstMatrixRef z, MatrixRef gradient) const override {
    check_batch(z, gradient.cols(), "log_density_gradient");
    if (gradient.rows() != dim_) throw DataError(path_ + ": log_density_gradient output has the wrong dimension");
    gradient = -z;
  }

  void sample(Rng& rng, MatrixRef z) const override {
    check_batch(z, z.cols(), "sample");
    rng.fill_normal(z);
  }

 private:
  void check_batch(ConstMatrixRef z, Index batch, const char* method) const {
    if (z.rows() != dim_ || z.cols() != batch)
      throw DataError(path_ + ": " + method + " got a " + std::to_string(z.rows()) + " x " +
                      std::to_string(z.cols()) + " batch for " + std::to_string(batch) +
                      " outputs; the dimension is " + std::to_string(dim_));
  }

  std::string path_;
  Index dim_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Distribution, liouville::StandardNormal)
