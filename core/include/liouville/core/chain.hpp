// Chain: the composition of bijections, itself a bijection.
//
// forward applies layers[0], layers[1], ... (data -> base) and sums their
// log-determinants; inverse applies them in reverse order.
//
// MEMORY. What the reverse pass needs is chosen at construction:
//   kStore      the tape keeps every layer's input and tape. Memory grows
//               linearly with the depth K; no extra work.
//   kRecompute  memory-light reverse mode (as in InvertibleNetworks.jl): the tape
//               keeps only a copy of the noise generator before each layer (and
//               whether the layer recorded a tape, which forward then drops).
//               backward walks the layers in reverse, recomputes layer k's input
//               from its output with layer k's inverse (layer 0's input is x),
//               re-runs layer k's forward with a tape and the same noise if it
//               records one (a CNF, planar, affine_coupling; actnorm and
//               conv1x1 record none), runs its backward and frees that tape
//               before layer k-1.
//               Memory is about one layer's worth whatever K is; the cost is one
//               extra inverse per layer, and one extra forward per layer that
//               records a tape. It relies on accurate inverses: exact to
//               round-off for coupling, actnorm, conv1x1 and planar layers, an ODE
//               solve (accurate to its tolerances) for a CNF; a layer without an
//               inverse (NotSupported) cannot be used in it, except as layer 0.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "liouville/core/bijection.hpp"

namespace liouville {

enum class ChainMemory { kStore, kRecompute };

// "store" or "recompute"; throws ConfigError naming `where` for anything else.
ChainMemory parse_chain_memory(std::string_view name, std::string_view where);

class Chain final : public Bijection {
 public:
  // Throws ConfigError if `layers` is empty or the dimensions disagree.
  explicit Chain(std::vector<std::shared_ptr<Bijection>> layers, ChainMemory memory = ChainMemory::kStore);

  Index dim() const override { return layers_.front()->dim(); }
  const std::vector<std::shared_ptr<Bijection>>& layers() const { return layers_; }
  ChainMemory memory() const { return memory_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override;
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const override;
  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override;

 private:
  void backward_stored(const Tape* tape, ConstMatrixRef z, ConstMatrixRef z_bar, ConstVectorRef logdet_bar,
                       MatrixRef x_bar, VectorRef theta_bar) const;
  void backward_recomputed(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                           ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const;

  std::vector<std::shared_ptr<Bijection>> layers_;
  ChainMemory memory_;
};

}  // namespace liouville
