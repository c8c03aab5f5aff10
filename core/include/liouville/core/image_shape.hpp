// ImageShape: how a sample column reads as an image of C channels, H rows and W
// columns. The column has length C*H*W and holds channel c, row h, column w at
// index c*H*W + h*W + w (channel-major). Vector data is C = dim, H = W = 1.
//
// Layers that act per pixel (actnorm, the 1x1 map, convolutions) work on the
// pixel columns of a batch: the C x (H*W*n) matrix whose column p + H*W*j is
// the channel vector of pixel p = h*W + w of sample j.
#pragma once

#include <string>

#include "liouville/core/types.hpp"

namespace liouville {

struct ImageShape {
  Index channels = 0;
  Index height = 1;
  Index width = 1;

  Index pixels() const { return height * width; }
  Index size() const { return channels * pixels(); }
  std::string to_string() const;  // "[C, H, W]"
};

// The pixel columns of x (C*H*W x n): C x (H*W*n).
Matrix to_pixel_columns(ConstMatrixRef x, const ImageShape& shape);

// The inverse of to_pixel_columns: x (C*H*W x n) from pixel columns (C x (H*W*n)).
void from_pixel_columns(ConstMatrixRef columns, const ImageShape& shape, MatrixRef x);

}  // namespace liouville
