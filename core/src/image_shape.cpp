#include "liouville/core/image_shape.hpp"

namespace liouville {

std::string ImageShape::to_string() const {
  std::string text("[");
  text += std::to_string(channels) + ", " + std::to_string(height) + ", " + std::to_string(width) + "]";
  return text;
}

// Sample j is an (H*W) x C column-major block of x's column j; its transpose is
// the sample's block of pixel columns.
Matrix to_pixel_columns(ConstMatrixRef x, const ImageShape& shape) {
  const Index pixels = shape.pixels();
  if (pixels == 1) return x;
  Matrix columns(shape.channels, pixels * x.cols());
  for (Index j = 0; j < x.cols(); ++j)
    columns.middleCols(j * pixels, pixels) =
        Eigen::Map<const Matrix>(x.col(j).data(), pixels, shape.channels).transpose();
  return columns;
}

void from_pixel_columns(ConstMatrixRef columns, const ImageShape& shape, MatrixRef x) {
  const Index pixels = shape.pixels();
  if (pixels == 1) {
    x = columns;
    return;
  }
  for (Index j = 0; j < x.cols(); ++j)
    Eigen::Map<Matrix>(x.col(j).data(), pixels, shape.channels) =
        columns.middleCols(j * pixels, pixels).transpose();
}

}  // namespace liouville
