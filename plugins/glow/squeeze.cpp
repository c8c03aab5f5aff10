#include "squeeze.hpp"

#include "liouville/core/batch_shapes.hpp"

namespace liouville::glow {

Squeeze::Squeeze(std::string path, const ImageShape& in) : path_(std::move(path)) {
  if (in.height % 2 != 0 || in.width % 2 != 0)
    throw ConfigError(path_ + ": squeeze needs an even height and width, got shape " + in.to_string() +
                      " (L levels of a multiscale flow need H and W divisible by 2^L)");
  output_shape_ = {4 * in.channels, in.height / 2, in.width / 2};
  const ImageShape& out = output_shape_;
  source_.resize(static_cast<std::size_t>(in.size()));
  for (Index c = 0; c < in.channels; ++c)
    for (Index a = 0; a < 2; ++a)
      for (Index b = 0; b < 2; ++b)
        for (Index i = 0; i < out.height; ++i)
          for (Index j = 0; j < out.width; ++j) {
            const Index to = ((4 * c + 2 * a + b) * out.height + i) * out.width + j;
            source_[static_cast<std::size_t>(to)] = (c * in.height + 2 * i + a) * in.width + 2 * j + b;
          }
}

void Squeeze::forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>*) const {
  check_shapes("forward", x, z, logdet);
  z = x(source_, Eigen::all);
  logdet.setZero();
}

void Squeeze::inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const {
  check_shapes("inverse", z, x, logdet);
  x(source_, Eigen::all) = z;
  logdet.setZero();
}

void Squeeze::backward(const Tape*, ConstMatrixRef x, ConstMatrixRef, ConstMatrixRef z_bar,
                       ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef) const {
  check_shapes("backward", x, x_bar, logdet_bar);
  x_bar(source_, Eigen::all) = z_bar;
}

void Squeeze::check_shapes(const char* method, ConstMatrixRef in, ConstMatrixRef out,
                           ConstVectorRef logdet) const {
  check_batch_shapes(path_ + ": squeeze", method, dim(), in, out, logdet);
}

}  // namespace liouville::glow
