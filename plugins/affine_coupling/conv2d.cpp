#include "conv2d.hpp"

#include <algorithm>

namespace liouville::coupling {
namespace {

// Calls copy(tap, dst, src, len) for every run of len pixels that a kernel tap
// reads inside the image: unfolded columns [dst, dst + len) read input columns
// [src, src + len) in the rows of `tap`.
template <class Copy>
void for_each_run(const ConvGeometry& g, Index samples, Copy copy) {
  const Index r = (g.kernel - 1) / 2;
  for (Index a = 0; a < g.kernel; ++a)
    for (Index b = 0; b < g.kernel; ++b) {
      const Index dh = a - r, dw = b - r;
      const Index w0 = std::max<Index>(0, -dw), w1 = std::min(g.width, g.width - dw);
      const Index h0 = std::max<Index>(0, -dh), h1 = std::min(g.height, g.height - dh);
      if (w1 <= w0) continue;
      for (Index j = 0; j < samples; ++j)
        for (Index h = h0; h < h1; ++h) {
          const Index dst = j * g.pixels() + h * g.width + w0;
          copy(a * g.kernel + b, dst, dst + dh * g.width + dw, w1 - w0);
        }
    }
}

}  // namespace

Matrix im2col(ConstMatrixRef in, const ConvGeometry& geometry) {
  if (geometry.kernel == 1) return in;
  const Index channels = in.rows();
  Matrix cols = Matrix::Zero(geometry.taps() * channels, in.cols());
  for_each_run(geometry, in.cols() / geometry.pixels(), [&](Index tap, Index dst, Index src, Index len) {
    cols.block(tap * channels, dst, channels, len) = in.middleCols(src, len);
  });
  return cols;
}

void col2im_add(ConstMatrixRef cols, const ConvGeometry& geometry, MatrixRef in_bar) {
  if (geometry.kernel == 1) {
    in_bar += cols;
    return;
  }
  const Index channels = in_bar.rows();
  for_each_run(geometry, in_bar.cols() / geometry.pixels(), [&](Index tap, Index dst, Index src, Index len) {
    in_bar.middleCols(src, len) += cols.block(tap * channels, dst, channels, len);
  });
}

}  // namespace liouville::coupling
