// invert: the inverse of a bijection g, itself a bijection.
//   forward  x -> y = g^{-1}(x) (g's inverse), logdet = log|det dy/dx| = -logdet_g(y);
//   inverse  y -> x = g(y) (g's forward).
//
// backward by the implicit function theorem. y(x, theta) solves g(y, theta) = x,
// so with J = dg/dy at y: dy/dx = J^{-1} and dy/dtheta = -J^{-1} dg/dtheta.
// For L = <y_bar, y> + <l_bar, -logdet_g(y, theta)> let
//   w = y_bar - l_bar grad_y logdet_g(y),   s = J^{-T} w;
// then x_bar = s and theta_bar += -(dg/dtheta)^T s - l_bar dlogdet_g/dtheta.
// g's own reverse mode at (y, x) supplies every piece: J^T e_i (row i of every
// sample's J, one pass per coordinate), l_bar grad_y logdet_g, and theta_bar
// with the cotangents (-s, -l_bar). Each sample's dim x dim system is solved by
// LU. The cost is one forward of g with a tape plus dim + 2 reverse passes; the
// result is exact up to the accuracy of g's inverse.
#include <Eigen/LU>
#include <liouville/plugin.hpp>
#include <memory>
#include <string>
#include <vector>

namespace liouville {
namespace {

// g's tape at y = g^{-1}(x), recorded with the noise g's inverse drew from.
struct InvertTape final : Tape {
  Matrix y;
  std::unique_ptr<Tape> inner;
};

}  // namespace

class Invert final : public Bijection {
 public:
  static constexpr std::string_view kName = "invert";
  static constexpr std::string_view kSummary = "The inverse of a bijection: swaps its forward and inverse.";

  static void declare(Schema& schema) {
    schema.component("bijection", Bijection::kInterface).required().doc("The bijection g to invert.");
  }

  Invert(const Params& params, BuildContext& context)
      : path_(params.path()), inner_(context.create<Bijection>(params, "bijection")) {}

  Index dim() const override { return inner_->dim(); }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override {
    const Rng replay = noise;
    inner_->inverse(x, z, logdet, noise);
    if (tape == nullptr) return;
    auto kept = std::make_unique<InvertTape>();
    kept->y = z;
    Matrix image(x.rows(), x.cols());
    Vector inner_logdet(x.cols());
    Rng inner_noise = replay;
    inner_->forward(kept->y, image, inner_logdet, inner_noise, &kept->inner);
    if (kept->inner && kept->inner->penalty != 0)
      throw NotSupported(path_ +
                         ": the inverted bijection adds a regularization penalty (such as ffjord's kinetic_energy "
                         "or jacobian_norm), which invert does not carry; regularize a bijection outside invert");
    *tape = std::move(kept);
  }

  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const override {
    inner_->forward(z, x, logdet, noise, nullptr);
  }

  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override {
    const auto* kept = dynamic_cast<const InvertTape*>(tape);
    if (kept == nullptr)
      throw NotSupported(path_ + ": invert backward needs the tape recorded by its forward pass");
    const Index dim = x.rows();
    const Index batch = x.cols();
    if (kept->y.cols() != batch || z_bar.rows() != dim || z_bar.cols() != batch || logdet_bar.size() != batch ||
        x_bar.rows() != dim || x_bar.cols() != batch)
      throw DataError(path_ + ": invert backward got inconsistent shapes (the tape holds a batch of " +
                      std::to_string(kept->y.cols()) + ", x has " + std::to_string(batch) + " columns)");
    const Matrix& y = kept->y;
    const Tape* inner_tape = kept->inner.get();
    Vector discarded = Vector::Zero(theta_bar.size());
    const Vector no_logdet_bar = Vector::Zero(batch);

    // rows[i] holds J^T e_i for every sample: row i of each sample's Jacobian.
    std::vector<Matrix> rows(dim, Matrix(dim, batch));
    Matrix unit = Matrix::Zero(dim, batch);
    for (Index i = 0; i < dim; ++i) {
      unit.row(i).setOnes();
      inner_->backward(inner_tape, y, x, unit, no_logdet_bar, rows[i], discarded);
      unit.row(i).setZero();
    }
    Matrix w(dim, batch);
    inner_->backward(inner_tape, y, x, Matrix::Zero(dim, batch), logdet_bar, w, discarded);
    w = z_bar - w;

    Matrix s(dim, batch);
    Matrix jacobian_t(dim, dim);
    for (Index j = 0; j < batch; ++j) {
      for (Index i = 0; i < dim; ++i) jacobian_t.col(i) = rows[i].col(j);
      s.col(j) = jacobian_t.partialPivLu().solve(w.col(j));
    }
    Matrix ignored(dim, batch);
    inner_->backward(inner_tape, y, x, -s, -logdet_bar, ignored, theta_bar);
    x_bar = s;
  }

 private:
  std::string path_;
  std::shared_ptr<Bijection> inner_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Bijection, liouville::Invert)
