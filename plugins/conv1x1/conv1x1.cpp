// conv1x1: a learned invertible linear map z = W x in LU form (Glow's invertible
// 1x1 convolution, Kingma and Dhariwal 2018, sec. 3.2; on vector data it mixes the
// dimensions):
//
//   W = L M,  M = U + diag(exp(s)),  logdet = log|det W| = sum_i s_i,
//
// L unit lower triangular, U strictly upper triangular. One dim x dim slice
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

namespace liouville {

class Conv1x1 final : public Bijection {
 public:
  static constexpr std::string_view kName = "conv1x1";
  static constexpr std::string_view kSummary =
      "Learned invertible linear map W = L (U + diag(exp(s))), initialized to a random rotation (Glow's 1x1 "
      "convolution).";

  static void declare(Schema&) {}

  Conv1x1(const Params& params, BuildContext& context) : path_(params.path()), dim_(context.dim()) {
    if (dim_ < 1) throw ConfigError(path_ + ": conv1x1 needs a data dimension >= 1, got " + std::to_string(dim_));
    lu_ = context.parameters().allocate(path_ + ".lu", dim_, dim_);
    initialize_rotation(context.init_rng());
  }

  Index dim() const override { return dim_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>*) const override {
    check_shapes("forward", x, z, logdet);
    z.noalias() = weight() * x;
    logdet.setConstant(lu_.value().diagonal().sum());
  }

  // x = M^{-1} L^{-1} z by two triangular solves.
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const override {
    check_shapes("inverse", z, x, logdet);
    const auto lu = lu_.value();
    x = lu.triangularView<Eigen::UnitLower>().solve(z);
    upper().triangularView<Eigen::Upper>().solveInPlace(x);
    logdet.setConstant(-lu.diagonal().sum());
  }

  // With G = z_bar x^T = dLoss/dW:  x_bar = W^T z_bar,  L_bar = G M^T (below the
  // diagonal),  M_bar = L^T G (on and above it),  s_bar = diag(M_bar) .* exp(s) + sum_j logdet_bar_j.
  void backward(const Tape*, ConstMatrixRef x, ConstMatrixRef, ConstMatrixRef z_bar, ConstVectorRef logdet_bar,
                MatrixRef x_bar, VectorRef theta_bar) const override {
    check_shapes("backward", x, x_bar, logdet_bar);
    const auto lu = lu_.value();
    const Matrix m = upper();
    x_bar.noalias() = (lu.triangularView<Eigen::UnitLower>() * m).transpose() * z_bar;
    const Matrix g = z_bar * x.transpose();
    const Matrix l_bar = g * m.transpose();
    const Matrix m_bar = lu.triangularView<Eigen::UnitLower>().transpose() * g;
    auto out = lu_.in(theta_bar);
    out.triangularView<Eigen::StrictlyLower>() += l_bar;
    out.triangularView<Eigen::StrictlyUpper>() += m_bar;
    out.diagonal().array() += m_bar.diagonal().array() * lu.diagonal().array().exp() + logdet_bar.sum();
  }

 private:
  // M = U + diag(exp(s)).
  Matrix upper() const {
    Matrix m = lu_.value().triangularView<Eigen::StrictlyUpper>();
    m.diagonal() = lu_.value().diagonal().array().exp();
    return m;
  }

  Matrix weight() const { return lu_.value().triangularView<Eigen::UnitLower>() * upper(); }

  void initialize_rotation(Rng& rng) const {
    Matrix gaussian(dim_, dim_);
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
    if (in.rows() != dim_ || out.rows() != dim_ || out.cols() != in.cols() || logdet.size() != in.cols())
      throw DataError(path_ + ": conv1x1 " + method + " of a " + std::to_string(in.rows()) + " x " +
                      std::to_string(in.cols()) + " batch into " + std::to_string(out.rows()) + " x " +
                      std::to_string(out.cols()) + " with " + std::to_string(logdet.size()) +
                      " log-determinants; the dimension is " + std::to_string(dim_));
  }

  std::string path_;
  Index dim_;
  ParameterSlice lu_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Bijection, liouville::Conv1x1)
