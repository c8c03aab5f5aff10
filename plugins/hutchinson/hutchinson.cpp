// Hutchinson's stochastic trace estimator (Hutchinson 1990; FFJORD, Grathwohl et
// al. 2019, eq. 7): tr(J) = E[eps^T J eps] for probes with E[eps eps^T] = I, so
// one Jacobian-vector product per evaluation, whatever the dimension. Each
// column (sample) has its own probe; probes stay fixed during a solve.
#include <liouville/plugin.hpp>
#include <string>

namespace liouville {

class HutchinsonTrace final : public TraceEstimator {
 public:
  static constexpr std::string_view kName = "hutchinson";
  static constexpr std::string_view kSummary = "Hutchinson's stochastic trace estimate eps^T (df/dz) eps.";

  static void declare(Schema& schema) {
    schema.choice("distribution", {"rademacher", "gaussian"})
        .default_value("rademacher")
        .doc("Probe distribution: Rademacher (+-1, lower variance) or standard Gaussian.");
  }

  HutchinsonTrace(const Params& params, BuildContext&)
      : path_(params.path()), gaussian_(params.get_string("distribution") == "gaussian") {}

  bool is_stochastic() const override { return true; }

  Matrix draw_probes(Index dim, Index batch, Rng& rng) const override {
    Matrix probes(dim, batch);
    if (gaussian_)
      rng.fill_normal(probes);
    else
      rng.fill_rademacher(probes);
    return probes;
  }

  // trace_j = eps_j . (J_j eps_j)
  void evaluate(const VectorField& field, ConstMatrixRef probes, Scalar t, ConstMatrixRef z, MatrixRef f,
                VectorRef trace) const override {
    check_probes(probes, z);
    thread_local Matrix jv;
    jv.resize(z.rows(), z.cols());
    field.jvp(t, z, probes, f, jv);
    trace = probes.cwiseProduct(jv).colwise().sum().transpose();
  }

  // The cotangent of J eps is eps diag(trace_bar).
  Scalar backward(const VectorField& field, ConstMatrixRef probes, Scalar t, ConstMatrixRef z,
                  ConstMatrixRef f_bar, ConstVectorRef trace_bar, MatrixRef z_bar,
                  VectorRef theta_bar) const override {
    check_probes(probes, z);
    thread_local Matrix jv_bar;
    jv_bar = probes * trace_bar.asDiagonal();
    return field.jvp_backward(t, z, probes, f_bar, jv_bar, z_bar, theta_bar);
  }

 private:
  void check_probes(ConstMatrixRef probes, ConstMatrixRef z) const {
    if (probes.rows() != z.rows() || probes.cols() != z.cols())
      throw DataError(path_ + ": hutchinson probes are " + std::to_string(probes.rows()) + " x " +
                      std::to_string(probes.cols()) + " but the state is " + std::to_string(z.rows()) + " x " +
                      std::to_string(z.cols()) + " (draw them with draw_probes(dim, batch) for this solve)");
  }

  std::string path_;
  bool gaussian_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::TraceEstimator, liouville::HutchinsonTrace)
