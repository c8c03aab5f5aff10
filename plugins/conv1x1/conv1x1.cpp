// conv1x1: a learned invertible linear map of the channels, z = W x at every
// pixel of an image of `shape` [C, H, W] (liouville/core/image_shape.hpp), in LU
// form (Glow's invertible 1x1 convolution, Kingma and Dhariwal 2018, sec. 3.2; on
// vector data, C = dim, it mixes the dimensions):
//
//   W = L M,  M = U + diag(exp(s)),  logdet = H W log|det W| = H W sum_i s_i,
//
// L unit lower triangular, U strictly upper triangular. One C x C slice
// "<path>.lu" holds every free entry in LAPACK's compact layout: L below the
// diagonal, U above it, s on it.
//
// Glow writes W = P L (U + diag(sign .* exp(s))) with a fixed permutation P and
// fixed signs. Both are absorbed into the initial rotation instead: for a random
// rotation Q (QR of a Gaussian) with pivoted LU  P Q = L0 U0  and D = diag(sign(diag U0)),
//   W0 = D P Q = (D L0 D)(D U0)
// is still orthogonal, D L0 D is unit lower triangular and D U0 has a positive
// diagonal. So the map has no fixed part, and the slice alone (a checkpoint)
// determines it.
#include <Eigen/LU>
#include <Eigen/QR>
#include <liouville/plugin.hpp>
#include <string>

#include "liouville/core/batch_shapes.hpp"
#include "liouville/registry/image_shape_schema.hpp"

namespace liouville {

class Conv1x1 final : public Bijection {
 public:
  static constexpr std::string_view kName = "conv1x1";
  static constexpr std::string_view kSummary =
      "Learned invertible linear map of the channels W = L (U + diag(exp(s))), initialized to a random rotation "
      "(Glow's 1x1 convolution).";

  static void declare(Schema& schema) { declare_image_shape(schema); }

  Conv1x1(const Params& params, BuildContext& context) : path_(params.path()), dim_(context.dim()) {
    if (dim_ < 1) throw ConfigError(path_ + ": conv1x1 needs a data dimension >= 1, got " + std::to_string(dim_));
    shape_ = read_image_shape(params, dim_);
    lu_ = context.parameters().allocate(path_ + ".lu", shape_.channels, shape_.channels);
    initialize_rotation(context.init_rng());
  }

  Index dim() const override { return dim_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>*) const override {
    check_shapes("forward", x, z, logdet);
    const Matrix mixed = weight() * to_pixel_columns(x, shape_);
    from_pixel_columns(mixed, shape_, z);
    logdet.setConstant(log_det());
  }

  // x = M^{-1} L^{-1} z by two triangular solves.
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const override {
    check_shapes("inverse", z, x, logdet);
    Matrix columns = lu_.value().triangularView<Eigen::UnitLower>().solve(to_pixel_columns(z, shape_));
    upper().triangularView<Eigen::Upper>().solveInPlace(columns);
    from_pixel_columns(columns, shape_, x);
    logdet.setConstant(-log_det());
  }

  // Over pixel columns, with G = z_bar x^T = dLoss/dW:  x_bar = W^T z_bar,  L_bar = G M^T
  // (below the diagonal),  M_bar = L^T G (on and above it),
  // s_bar = diag(M_bar) .* exp(s) + H W sum_j logdet_bar_j.
  void backward(const Tape*, ConstMatrixRef x, ConstMatrixRef, ConstMatrixRef z_bar, ConstVectorRef logdet_bar,
                MatrixRef x_bar, VectorRef theta_bar) const override {
    check_shapes("backward", x, x_bar, logdet_bar);
    const auto lu = lu_.value();
    const Matrix m = upper();
    const Matrix z_bar_columns = to_pixel_columns(z_bar, shape_);
    const Matrix x_bar_columns = (lu.triangularView<Eigen::UnitLower>() * m).transpose() * z_bar_columns;
    from_pixel_columns(x_bar_columns, shape_, x_bar);
    const Matrix g = z_bar_columns * to_pixel_columns(x, shape_).transpose();
    const Matrix l_bar = g * m.transpose();
    const Matrix m_bar = lu.triangularView<Eigen::UnitLower>().transpose() * g;
    auto out = lu_.in(theta_bar);
    out.triangularView<Eigen::StrictlyLower>() += l_bar;
    out.triangularView<Eigen::StrictlyUpper>() += m_bar;
    out.diagonal().array() +=
        m_bar.diagonal().array() * lu.diagonal().array().exp() + shape_.pixels() * logdet_bar.sum();
  }

 private:
  Scalar log_det() const { return static_cast<Scalar>(shape_.pixels()) * lu_.value().diagonal().sum(); }

  // M = U + diag(exp(s)).
  Matrix upper() const {
    Matrix m = lu_.value().triangularView<Eigen::StrictlyUpper>();
    m.diagonal() = lu_.value().diagonal().array().exp();
    return m;
  }

  Matrix weight() const { return lu_.value().triangularView<Eigen::UnitLower>() * upper(); }

  void initialize_rotation(Rng& rng) const {
    Matrix gaussian(shape_.channels, shape_.channels);
    rng.fill_normal(gaussian);
    const Eigen::HouseholderQR<Matrix> qr(gaussian);
    const Matrix q = qr.householderQ();
    const Eigen::PartialPivLU<Matrix> pivoted(q);
    const Matrix& lu0 = pivoted.matrixLU();
    const Vector d = lu0.diagonal().array().sign();
    auto lu = lu_.mutable_value();
    lu.triangularView<Eigen::StrictlyLower>() = d.asDiagonal() * lu0 * d.asDiagonal();  // D L0 D
    lu.triangularView<Eigen::StrictlyUpper>() = d.asDiagonal() * lu0;                   // D U0
    lu.diagonal() = lu0.diagonal().cwiseAbs().array().log();
  }

  void check_shapes(const char* method, ConstMatrixRef in, ConstMatrixRef out, ConstVectorRef logdet) const {
    check_batch_shapes(path_ + ": conv1x1", method, dim_, in, out, logdet);
  }

  std::string path_;
  Index dim_;
  ImageShape shape_;
  ParameterSlice lu_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Bijection, liouville::Conv1x1)
