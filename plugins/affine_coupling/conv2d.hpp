// A 2-D convolution with "same" zero padding, as one GEMM (im2col):
//
//   out(o, h, w) = sum_{c, a, b} K(o, c, a, b) in(c, h + a - r, w + b - r),   r = (k - 1) / 2,
//
// in(c, h', w') = 0 outside the image. Images are pixel columns
// (liouville/core/image_shape.hpp): in x (H*W*n), column p + H*W*j for pixel
// p = h*W + w of sample j. The unfolded input im2col(in) has k*k*in rows, row
// (a*k + b)*in + c holding in(c, h + a - r, w + b - r), so with the kernel stored
// as out x (k*k*in) in the same order, out = K im2col(in). The reverse mode for
// the input is the adjoint, in_bar += col2im(K^T out_bar). A 1 x 1 kernel is a
// dense layer applied at every pixel.
#pragma once

#include "liouville/core/types.hpp"

namespace liouville::coupling {

struct ConvGeometry {
  Index height = 1;
  Index width = 1;
  Index kernel = 1;  // odd

  Index pixels() const { return height * width; }
  Index taps() const { return kernel * kernel; }
};

// (k*k*in) x (H*W*n) from in (in x H*W*n).
Matrix im2col(ConstMatrixRef in, const ConvGeometry& geometry);

// in_bar += the adjoint of im2col applied to cols ((k*k*in) x (H*W*n)).
void col2im_add(ConstMatrixRef cols, const ConvGeometry& geometry, MatrixRef in_bar);

}  // namespace liouville::coupling
