// The exact trace of J = df/dz: the field's own divergence when it has one
// (has_divergence()), otherwise one Jacobian-vector product per dimension
// with the unit vectors, tr(J) = sum_i (J e_i)_i. Deterministic (no probes); the
// JVP path costs dim products per evaluation, so it suits low-dimensional flows.
#include <liouville/plugin.hpp>

namespace liouville {

class ExactTrace final : public TraceEstimator {
 public:
  static constexpr std::string_view kName = "exact";
  static constexpr std::string_view kSummary =
      "Exact trace of df/dz: the field's own divergence when it has one, else one Jacobian-vector product per "
      "dimension.";

  static void declare(Schema&) {}
  ExactTrace(const Params&, BuildContext&) {}

  bool is_stochastic() const override { return false; }
  Matrix draw_probes(Index, Index, Rng&) const override { return Matrix(); }

  void evaluate(const VectorField& field, ConstMatrixRef, Scalar t, ConstMatrixRef z, MatrixRef f,
                VectorRef trace) const override {
    if (field.has_divergence()) {
      field.divergence(t, z, f, trace);
      return;
    }
    const Index dim = z.rows();
    thread_local Matrix unit;
    thread_local Matrix jv;
    unit.setZero(dim, z.cols());
    jv.resize(dim, z.cols());
    trace.setZero();
    for (Index i = 0; i < dim; ++i) {
      unit.row(i).setOnes();
      field.jvp(t, z, unit, f, jv);
      trace += jv.row(i).transpose();
      unit.row(i).setZero();
    }
  }

  // trace = sum_i row i of J e_i, so its cotangent enters the i-th product as
  // jv_bar = e_i trace_bar^T; f_bar enters once (f is the same in every product).
  Scalar backward(const VectorField& field, ConstMatrixRef, Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar,
                  ConstVectorRef trace_bar, MatrixRef z_bar, VectorRef theta_bar) const override {
    if (field.has_divergence()) return field.divergence_backward(t, z, f_bar, trace_bar, z_bar, theta_bar);
    const Index dim = z.rows();
    thread_local Matrix unit;
    thread_local Matrix jv_bar;
    thread_local Matrix no_f_bar;
    thread_local Matrix z_bar_i;
    unit.setZero(dim, z.cols());
    jv_bar.setZero(dim, z.cols());
    no_f_bar.setZero(dim, z.cols());
    z_bar_i.resize(dim, z.cols());
    Scalar t_bar = 0;
    for (Index i = 0; i < dim; ++i) {
      unit.row(i).setOnes();
      jv_bar.row(i) = trace_bar.transpose();
      if (i == 0) {
        t_bar += field.jvp_backward(t, z, unit, f_bar, jv_bar, z_bar, theta_bar);
      } else {
        t_bar += field.jvp_backward(t, z, unit, no_f_bar, jv_bar, z_bar_i, theta_bar);
        z_bar += z_bar_i;
      }
      unit.row(i).setZero();
      jv_bar.row(i).setZero();
    }
    return t_bar;
  }
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::TraceEstimator, liouville::ExactTrace)
