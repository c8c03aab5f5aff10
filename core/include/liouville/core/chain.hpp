// Chain: the composition of bijections, itself a bijection.
//
// forward applies layers[0], layers[1], ... (data -> base) and sums their
// log-determinants; inverse applies them in reverse order. The tape keeps each
// layer's input and tape for the reverse pass.
#pragma once

#include <memory>
#include <vector>

#include "liouville/core/bijection.hpp"

namespace liouville {

class Chain final : public Bijection {
 public:
  // Throws ConfigError if `layers` is empty or the dimensions disagree.
  explicit Chain(std::vector<std::shared_ptr<Bijection>> layers);

  Index dim() const override { return layers_.front()->dim(); }
  const std::vector<std::shared_ptr<Bijection>>& layers() const { return layers_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override;
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const override;
  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override;

 private:
  std::vector<std::shared_ptr<Bijection>> layers_;
};

}  // namespace liouville
