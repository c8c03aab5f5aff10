// A small fully connected network, the conditioner of an affine coupling:
//
//   h_0 = input,  h_{k+1} = sigma(W_k h_k + b_k) (hidden layers),  output = W_L h_L + b_L,
//
// over whole in x batch blocks. Layer k's parameters are the slices
// "<path>.layers[k].weight" (out x in) and "<path>.layers[k].bias" (out x 1).
// Hidden layers start Glorot-uniform with zero bias; the output layer starts at
// zero, so the coupling it drives starts at (or next to) the identity (Glow).
#pragma once

#include <liouville/plugin.hpp>
#include <string>
#include <vector>

namespace liouville::coupling {

enum class Activation { kTanh, kRelu, kSoftplus };

const std::vector<std::string>& activation_names();
Activation parse_activation(const std::string& name, const std::string& where);

class DenseNetwork {
 public:
  DenseNetwork(const std::string& path, const std::vector<Index>& widths, Activation activation,
               ParameterStore& store, Rng& init_rng);

  // outputs[k] = h_{k+1}; outputs.back() is the network's output.
  void forward(ConstMatrixRef input, std::vector<Matrix>& outputs) const;

  // Reverse mode at `input` with the `outputs` of forward: writes input_bar and
  // adds the parameter cotangents into theta_bar.
  void backward(ConstMatrixRef input, const std::vector<Matrix>& outputs, ConstMatrixRef output_bar,
                MatrixRef input_bar, VectorRef theta_bar) const;

 private:
  struct Layer {
    ParameterSlice weight;
    ParameterSlice bias;
  };

  std::vector<Layer> layers_;
  Activation activation_;
};

}  // namespace liouville::coupling
