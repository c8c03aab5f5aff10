// The conditioner of an affine coupling: a stack of convolutions with "same"
// zero padding over images of H x W pixels (conv2d.hpp),
//
//   h_0 = input,  h_{k+1} = sigma(K_k * h_k + b_k) (hidden layers),  output = K_L * h_L + b_L,
//
// over whole pixel-column blocks (channels x H*W*n). Glow's NN() (Kingma and
// Dhariwal 2018, sec. 3.3) is 3 x 3 kernels at the first and the last layer and
// 1 x 1 kernels between them. On a 1 x 1 image a 3 x 3 kernel sees only its
// centre tap (the rest is padding), so every kernel there is 1 x 1 and the
// network is a fully connected one on vector data.
//
// Layer k's parameters are the slices "<path>.layers[k].weight" (out x k*k*in,
// conv2d.hpp's order) and "<path>.layers[k].bias" (out x 1). Hidden layers start
// Glorot-uniform with zero bias; the output layer starts at zero, so the coupling
// it drives starts at (or next to) the identity (Glow).
#pragma once

#include <liouville/plugin.hpp>
#include <string>
#include <vector>

#include "conv2d.hpp"

namespace liouville::coupling {

enum class Activation { kTanh, kRelu, kSoftplus };

const std::vector<std::string>& activation_names();
Activation parse_activation(const std::string& name, const std::string& where);

class ConditionerNetwork {
 public:
  // Channel widths from the input's to the output's, over images of height x width.
  ConditionerNetwork(const std::string& path, const std::vector<Index>& widths, Index height, Index width,
                     Activation activation, ParameterStore& store, Rng& init_rng);

  // outputs[k] = h_{k+1}; outputs.back() is the network's output.
  void forward(ConstMatrixRef input, std::vector<Matrix>& outputs) const;

  // Reverse mode at `input` with the `outputs` of forward: writes input_bar and
  // adds the parameter cotangents into theta_bar.
  void backward(ConstMatrixRef input, const std::vector<Matrix>& outputs, ConstMatrixRef output_bar,
                MatrixRef input_bar, VectorRef theta_bar) const;

 private:
  struct Layer {
    ConvGeometry geometry;
    ParameterSlice weight;
    ParameterSlice bias;
  };

  std::vector<Layer> layers_;
  Activation activation_;
};

}  // namespace liouville::coupling
