// blobs: small synthetic images for multiscale flows. Each of the C channels of
// an H x W image (channel-major columns, liouville/core/image_shape.hpp) is the
// sum of 1 to `bumps` Gaussian bumps (the count uniform),
//
//   x(c, h, w) = sum_k a_k exp(-((h - m_k)^2 + (w - n_k)^2) / (2 width^2)) + noise e(c, h, w),
//
// centres (m_k, n_k) uniform over [0, H - 1] x [0, W - 1], amplitudes a_k uniform
// in [0.5, 1], e ~ N(0, 1) at every pixel. The noise keeps the density finite in
// all C H W dimensions; there is no closed-form density.
#include <cmath>
#include <liouville/plugin.hpp>
#include <string>
#include <vector>

#include "liouville/core/image_shape.hpp"

namespace liouville {

class Blobs final : public Dataset {
 public:
  static constexpr std::string_view kName = "blobs";
  static constexpr std::string_view kSummary =
      "C x H x W images of 1 to `bumps` Gaussian bumps at random positions plus pixel noise.";

  static void declare(Schema& schema) {
    schema.integer("n").default_value(10000).min(1).doc("Number of training images.");
    schema.integer_list("shape")
        .default_value(std::vector<long>{1, 8, 8})
        .min(1)
        .min_size(3)
        .max_size(3)
        .doc("[C, H, W] of each image; a flow reads it with the same `shape`.");
    schema.integer("bumps").default_value(2).min(1).doc(
        "Most bumps per channel (the count is uniform in 1..bumps).");
    schema.real("width").default_value(1.0).greater_than(0).doc("Standard deviation of a bump, in pixels.");
    schema.real("noise").default_value(0.05).greater_than(0).doc("Standard deviation of the pixel noise.");
  }

  Blobs(const Params& params, BuildContext&)
      : path_(params.path()),
        n_(params.get_int("n")),
        shape_{params.get_int_list("shape")[0], params.get_int_list("shape")[1], params.get_int_list("shape")[2]},
        bumps_(params.get_int("bumps")),
        width_(params.get_real("width")),
        noise_(params.get_real("noise")) {}

  Index dim() const override { return shape_.size(); }

  Matrix training_data(Rng& rng) const override { return sample(n_, rng); }

  bool can_sample() const override { return true; }

  Matrix sample(Index n, Rng& rng) const override {
    if (n < 0) throw DataError(path_ + ": cannot draw " + std::to_string(n) + " samples");
    Matrix x(dim(), n);
    rng.fill_normal(x);
    x *= noise_;
    for (Index j = 0; j < n; ++j)
      for (Index c = 0; c < shape_.channels; ++c) {
        const Index count = 1 + static_cast<Index>(rng.uniform() * static_cast<Scalar>(bumps_));
        for (Index k = 0; k < count; ++k) {
          const Scalar m = rng.uniform() * static_cast<Scalar>(shape_.height - 1);
          const Scalar n_centre = rng.uniform() * static_cast<Scalar>(shape_.width - 1);
          const Scalar amplitude = 0.5 + 0.5 * rng.uniform();
          for (Index h = 0; h < shape_.height; ++h)
            for (Index w = 0; w < shape_.width; ++w) {
              const Scalar d2 = (h - m) * (h - m) + (w - n_centre) * (w - n_centre);
              x(c * shape_.pixels() + h * shape_.width + w, j) +=
                  amplitude * std::exp(-d2 / (2 * width_ * width_));
            }
        }
      }
    return x;
  }

  bool has_log_density() const override { return false; }

  void log_density(ConstMatrixRef, VectorRef) const override {
    throw NotSupported(path_ + ": blobs has no closed-form log-density");
  }

 private:
  std::string path_;
  Index n_;
  ImageShape shape_;
  Index bumps_;
  Scalar width_;
  Scalar noise_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::Blobs)
