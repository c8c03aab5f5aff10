#include "conditioner_network.hpp"

#include <cmath>

namespace liouville::coupling {
namespace {

void activate(Activation activation, Matrix& a) {
  switch (activation) {
    case Activation::kTanh:
      a = a.array().tanh();
      return;
    case Activation::kRelu:
      a = a.cwiseMax(0.0);
      return;
    case Activation::kSoftplus:  // log(1 + e^a), written to avoid overflow
      a = a.cwiseMax(0.0).array() + (-a.array().abs()).exp().log1p();
      return;
  }
}

// sigma'(a) from h = sigma(a): tanh' = 1 - h^2, relu' = [h > 0], softplus' = sigmoid(a) = 1 - e^{-h}.
Matrix slope(Activation activation, const Matrix& h) {
  switch (activation) {
    case Activation::kTanh:
      return 1.0 - h.array().square();
    case Activation::kRelu:
      return (h.array() > 0.0).cast<Scalar>();
    case Activation::kSoftplus:
      return -(-h.array()).expm1();
  }
  return {};
}

}  // namespace

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names{"tanh", "relu", "softplus"};
  return names;
}

Activation parse_activation(const std::string& name, const std::string& where) {
  const auto& names = activation_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Activation>(i);
  throw ConfigError(where + ": unknown activation '" + name + "' (one of tanh, relu, softplus)");
}

ConditionerNetwork::ConditionerNetwork(const std::string& path, const std::vector<Index>& widths, Index height,
                                       Index width, Activation activation, ParameterStore& store, Rng& init_rng)
    : activation_(activation) {
  const std::size_t count = widths.size() - 1;
  for (std::size_t k = 0; k < count; ++k) {
    const bool glow_kernel = (k == 0 || k + 1 == count) && height * width > 1;
    const ConvGeometry geometry{height, width, glow_kernel ? 3 : 1};
    const std::string prefix = path + ".layers[" + std::to_string(k) + "]";
    Layer layer{geometry, store.allocate(prefix + ".weight", widths[k + 1], geometry.taps() * widths[k]),
                store.allocate(prefix + ".bias", widths[k + 1], 1)};
    if (k + 1 < count) {  // Glorot uniform: a = sqrt(6 / (fan_in + fan_out)), fans counting the kernel's taps
      const double a = std::sqrt(6.0 / static_cast<double>(geometry.taps() * (widths[k] + widths[k + 1])));
      init_rng.fill_uniform(layer.weight.mutable_value(), -a, a);
    }
    layers_.push_back(layer);
  }
}

void ConditionerNetwork::forward(ConstMatrixRef input, std::vector<Matrix>& outputs) const {
  outputs.resize(layers_.size());
  for (std::size_t k = 0; k < layers_.size(); ++k) {
    const Layer& layer = layers_[k];
    const Eigen::Ref<const Matrix> layer_input = k == 0 ? input : Eigen::Ref<const Matrix>(outputs[k - 1]);
    outputs[k].noalias() = layer.weight.value() * im2col(layer_input, layer.geometry);
    outputs[k].colwise() += layer.bias.value().col(0);
    if (k + 1 < layers_.size()) activate(activation_, outputs[k]);
  }
}

// a_bar_k = h_bar_{k+1} .* sigma'(a_k);  K_bar_k += a_bar_k im2col(h_k)^T;  b_bar_k += sum_j a_bar_k;
// h_bar_k = col2im(K_k^T a_bar_k).
void ConditionerNetwork::backward(ConstMatrixRef input, const std::vector<Matrix>& outputs,
                                  ConstMatrixRef output_bar, MatrixRef input_bar, VectorRef theta_bar) const {
  Matrix a_bar = output_bar;
  for (std::size_t k = layers_.size(); k-- > 0;) {
    if (k + 1 < layers_.size()) a_bar.array() *= slope(activation_, outputs[k]).array();
    const Layer& layer = layers_[k];
    const Eigen::Ref<const Matrix> layer_input = k == 0 ? input : Eigen::Ref<const Matrix>(outputs[k - 1]);
    layer.weight.in(theta_bar).noalias() += a_bar * im2col(layer_input, layer.geometry).transpose();
    layer.bias.in(theta_bar).col(0) += a_bar.rowwise().sum();
    const Matrix cols_bar = layer.weight.value().transpose() * a_bar;
    Matrix h_bar = Matrix::Zero(layer_input.rows(), layer_input.cols());
    col2im_add(cols_bar, layer.geometry, h_bar);
    if (k == 0)
      input_bar = h_bar;
    else
      a_bar = std::move(h_bar);
  }
}

}  // namespace liouville::coupling
