#include "gate_bank.hpp"

#include <cmath>

namespace liouville::planar_cnf {

GateBank::GateBank(ParameterStore& store, const std::string& path, Index units, Index width, Index depth,
                   Activation activation, Rng& init_rng)
    : width_(width), depth_(depth), activation_(activation), layers_(units) {
  for (Index i = 0; i < units; ++i) {
    for (Index k = 0; k <= depth; ++k) {
      const Index in = k == 0 ? 1 : width;
      const Index out = k == depth ? 1 : width;
      const std::string prefix = path + ".gates[" + std::to_string(i) + "].layers[" + std::to_string(k) + "]";
      Layer layer{store.allocate(prefix + ".weight", out, in), store.allocate(prefix + ".bias", out, 1)};
      const Scalar limit = 1.0 / std::sqrt(static_cast<Scalar>(in));
      init_rng.fill_uniform(layer.weight.mutable_value(), -limit, limit);
      init_rng.fill_uniform(layer.bias.mutable_value(), -limit, limit);
      layers_[i].push_back(layer);
    }
  }
}

// Tangent pass with tdot = 1: adot_k = W_k xdot_k, xdot_{k+1} = sigma'(a_k) .* adot_k.
void GateBank::evaluate(Scalar t, Values& values) const {
  const Index units = this->units();
  values.g.resize(units);
  values.g_dot.resize(units);
  values.hidden.resize(width_, units * depth_);
  values.slopes.resize(width_, units * depth_);
  values.scratch.resize(width_, 3);
  auto a = values.scratch.col(0);
  auto adot = values.scratch.col(1);
  auto tangent = values.scratch.col(2);
  Matrix empty;
  for (Index i = 0; i < units; ++i) {
    for (Index k = 0; k <= depth_; ++k) {
      const Layer& layer = layers_[i][k];
      const Eigen::Map<const Matrix> w = layer.weight.value();
      const Eigen::Map<const Matrix> bias = layer.bias.value();
      const auto b = bias.col(0);
      if (k == depth_) {
        if (k == 0) {
          values.g[i] = w(0, 0) * t + b[0];
          values.g_dot[i] = w(0, 0);
        } else {
          values.g[i] = w.row(0).dot(values.hidden.col(i * depth_ + k - 1)) + b[0];
          values.g_dot[i] = w.row(0).dot(tangent);
        }
        break;
      }
      if (k == 0) {
        a = w.col(0) * t + b;
        adot = w.col(0);
      } else {
        a.noalias() = w * values.hidden.col(i * depth_ + k - 1);
        a += b;
        adot.noalias() = w * tangent;
      }
      auto slope = values.slopes.col(i * depth_ + k);
      activate(activation_, a, values.hidden.col(i * depth_ + k), slope, empty, 1);
      tangent = slope.cwiseProduct(adot);
    }
  }
}

// Reverse pass per unit: from x_bar = g_bar_i at the output,
//   a_bar = x_bar .* sigma'(a_k),  W_k_bar += a_bar x_k^T,  b_k_bar += a_bar,  x_bar = W_k^T a_bar.
void GateBank::backward(Scalar t, ConstVectorRef g_bar, Values& values, VectorRef theta_bar) const {
  auto x_bar = values.scratch.col(0);
  auto a_bar = values.scratch.col(1);
  for (Index i = 0; i < units(); ++i) {
    for (Index k = depth_ + 1; k-- > 0;) {
      const Layer& layer = layers_[i][k];
      Eigen::Map<Matrix> w_bar = layer.weight.in(theta_bar);
      Eigen::Map<Matrix> bias_bar = layer.bias.in(theta_bar);
      auto b_bar = bias_bar.col(0);
      if (k == depth_) {
        b_bar[0] += g_bar[i];
        if (k == 0) {
          w_bar(0, 0) += g_bar[i] * t;
          break;
        }
        w_bar.row(0) += g_bar[i] * values.hidden.col(i * depth_ + k - 1).transpose();
        x_bar = g_bar[i] * layer.weight.value().row(0).transpose();
        continue;
      }
      a_bar = x_bar.cwiseProduct(values.slopes.col(i * depth_ + k));
      b_bar += a_bar;
      if (k == 0) {
        w_bar.col(0) += t * a_bar;
        break;
      }
      w_bar.noalias() += a_bar * values.hidden.col(i * depth_ + k - 1).transpose();
      x_bar.noalias() = layer.weight.value().transpose() * a_bar;
    }
  }
}

}  // namespace liouville::planar_cnf
