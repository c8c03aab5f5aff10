// Squeeze: Real NVP's squeezing operation (Dinh et al. 2017, sec. 3.6), the first
// step of every level of Glow's multiscale architecture (Kingma and Dhariwal 2018,
// sec. 3.4). Every 2 x 2 block of pixels becomes one pixel with four times the
// channels:
//
//   (C, H, W) -> (4C, H/2, W/2),   z(4c + 2a + b, i, j) = x(c, 2i + a, 2j + b),   a, b in {0, 1},
//
// both images channel-major (liouville/core/image_shape.hpp). It permutes the
// entries, so logdet = 0 and the reverse mode is the inverse permutation.
#pragma once

#include <liouville/plugin.hpp>
#include <string>
#include <vector>

#include "liouville/core/image_shape.hpp"

namespace liouville::glow {

class Squeeze final : public Bijection {
 public:
  // `in` is the input's shape; ConfigError (naming `path`) unless H and W are even.
  Squeeze(std::string path, const ImageShape& in);

  Index dim() const override { return static_cast<Index>(source_.size()); }
  ImageShape output_shape() const { return output_shape_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override;
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const override;
  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override;

 private:
  void check_shapes(const char* method, ConstMatrixRef in, ConstMatrixRef out, ConstVectorRef logdet) const;

  std::string path_;
  ImageShape output_shape_;
  std::vector<Index> source_;  // source_[row of z] = the row of x it comes from
};

}  // namespace liouville::glow
