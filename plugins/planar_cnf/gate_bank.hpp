// The time gates g_i(t) of planar_cnf: one scalar network per unit,
//   x_0 = t,  x_{k+1} = sigma(W_k x_k + b_k) for k < depth,  g = W_depth x_depth + b_depth,
// with `depth` hidden layers of `width` units (equinox's MLP with in_size =
// out_size = 1, which the seed uses: width 40, depth 3, relu). dg/dt comes by
// forward mode, the parameter gradient by reverse mode. Unit i's layer k is the
// pair of slices "<path>.gates[i].layers[k].weight" (out x in) and ".bias".
#pragma once

#include <string>
#include <vector>

#include "activation.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"

namespace liouville::planar_cnf {

class GateBank {
 public:
  // What one evaluation keeps for backward, plus scratch space. Buffers only
  // grow, so a thread_local instance allocates nothing in the steady state.
  struct Values {
    Vector g;        // g_i(t)
    Vector g_dot;    // dg_i/dt
    Matrix hidden;   // width x (units depth): column i depth + k is x_{k+1} of unit i
    Matrix slopes;   // same layout: sigma'(a_k)
    Matrix scratch;  // width x 3
  };

  GateBank() = default;
  // Allocates the slices and initializes them as equinox's Linear does:
  // weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  GateBank(ParameterStore& store, const std::string& path, Index units, Index width, Index depth,
           Activation activation, Rng& init_rng);

  Index units() const { return static_cast<Index>(layers_.size()); }

  void evaluate(Scalar t, Values& values) const;

  // theta_bar += (dg/dtheta)^T g_bar after evaluate(t, values).
  void backward(Scalar t, ConstVectorRef g_bar, Values& values, VectorRef theta_bar) const;

 private:
  struct Layer {
    ParameterSlice weight;
    ParameterSlice bias;
  };

  Index width_ = 0;
  Index depth_ = 0;
  Activation activation_ = Activation::kRelu;
  std::vector<std::vector<Layer>> layers_;  // layers_[i][k]
};

}  // namespace liouville::planar_cnf
