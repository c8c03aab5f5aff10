// mlp: a multilayer perceptron vector field
//
//   x_0 = z,  a_k = W_k x_k + b_k,  x_{k+1} = sigma_k(a_k),  f = x_L
//
// with time conditioning (time_input): concat adds t w_t to a_0; concatsquash
// (FFJORD's ConcatSquashLinear, in every layer) makes each layer
//   a_k = (W_k x_k + b_k) .* sigmoid(g_k t + c_k) + t d_k.
// Hand-written forward-mode (J v), reverse-mode (J^T f_bar), the divergence
// (all dim unit tangents in one forward pass) and the reverse modes of the pairs
// (f, J v) and (f, div f), all over the whole dim x batch block with one matrix
// product per layer and pass. Layer k's parameters are the slices
// "<path>.layers[k].weight" (out x in) and "<path>.layers[k].bias" (out x 1), and
// with concatsquash "<path>.layers[k].gate_weight", ".gate_bias" (g_k, c_k) and
// ".time_weight" (d_k), each out x 1.
#pragma once

#include <liouville/plugin.hpp>
#include <string>
#include <vector>

#include "activation.hpp"
#include "layer_products.hpp"

namespace liouville::mlp {

// How a layer sees the time t. Time enters a layer only through its effective
// bias (b, b + t w_t, or s .* b + t d) and a row scaling s of W x (concatsquash);
// the affine map and the activation are shared by every variant.
enum class TimeConditioning {
  kNone,
  kConcat,        // t is one more input (FFJORD's concat): the weight's last column w_t adds t w_t
  kConcatSquash,  // a = (W x + b) .* s + t d with s = sigmoid(g t + c) (FFJORD's concatsquash)
};

struct DenseLayer {
  ParameterSlice weight;       // out x in, or out x (in + 1) with the time column last
  ParameterSlice bias;         // out x 1
  ParameterSlice gate_weight;  // concatsquash: g, out x 1
  ParameterSlice gate_bias;    // concatsquash: c, out x 1
  ParameterSlice time_weight;  // concatsquash: d, out x 1
  Index in = 0;
  Index out = 0;
  Activation activation = Activation::kIdentity;
  TimeConditioning time = TimeConditioning::kNone;
};

class Mlp final : public VectorField {
 public:
  static constexpr std::string_view kName = "mlp";
  static constexpr std::string_view kSummary =
      "Multilayer perceptron f(t, z) with hand-written first and second derivatives.";

  static void declare(Schema& schema);
  Mlp(const Params& params, BuildContext& context);

  Index dim() const override { return dim_; }
  double multiply_adds_per_column() const override { return static_cast<double>(weight_entries_); }
  void evaluate(Scalar t, ConstMatrixRef z, MatrixRef f) const override;
  void jvp(Scalar t, ConstMatrixRef z, ConstMatrixRef v, MatrixRef f, MatrixRef jv) const override;
  Scalar vjp(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, MatrixRef z_bar,
             VectorRef theta_bar) const override;
  Scalar jvp_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef v, ConstMatrixRef f_bar, ConstMatrixRef jv_bar,
                      MatrixRef z_bar, VectorRef theta_bar) const override;
  // Exact: the dim unit tangents ride beside the values, (1 + dim) columns per
  // sample instead of the 2 dim of dim separate JVPs.
  bool has_divergence() const override { return true; }
  void divergence(Scalar t, ConstMatrixRef z, MatrixRef f, VectorRef div) const override;
  Scalar divergence_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, ConstVectorRef div_bar,
                             MatrixRef z_bar, VectorRef theta_bar) const override;

 private:
  struct Workspace;
  using ConstStridedMap = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;

  // Buffers for a pass over `batch` columns with `tangents` tangent blocks;
  // `reverse`: forward() keeps what backward() needs.
  Workspace workspace(Index batch, Index tangents, bool reverse) const;
  void stage_tangent(ConstMatrixRef z, ConstMatrixRef v, const Workspace& work) const;
  void stage_unit_tangents(ConstMatrixRef z, const Workspace& work) const;
  ConstStridedMap layer_input(std::size_t k, ConstMatrixRef z, const Workspace& work) const;
  Eigen::Map<Matrix> forward(Scalar t, ConstMatrixRef z, const Workspace& work) const;
  Scalar backward(Scalar t, ConstMatrixRef z, const Workspace& work, MatrixRef z_bar, VectorRef theta_bar) const;
  void check_block(const char* name, Index rows, Index cols, Index batch) const;
  void check_length(const char* name, Index size, Index batch) const;
  void check_gradient_size(Index size) const;

  std::string path_;
  Index dim_ = 0;
  std::vector<DenseLayer> layers_;
  std::vector<Index> row_offsets_;  // row_offsets_[k]: total width of the layers before k
  Index total_width_ = 0;           // sum of the layers' output widths
  Index weight_entries_ = 0;        // sum of the layers' out x in
  Index max_width_ = 0;             // widest input or output of any layer
  Index max_squash_weight_ = 0;     // largest out x in of a concatsquash layer (0 without)
  Index parameter_end_ = 0;         // one past the last parameter of this network
};

}  // namespace liouville::mlp
