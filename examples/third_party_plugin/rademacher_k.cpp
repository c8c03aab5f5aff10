// Hutchinson's trace estimator averaged over k Rademacher probes per sample
// (Hutchinson 1990; FFJORD, Grathwohl et al. 2019, eq. 7):
//   tr(J) ~ (1/k) sum_p eps_p^T J eps_p,   eps_p in {-1, +1}^d,
// unbiased, with 1/k of the one-probe variance 2 (|S|_F^2 - sum_i S_ii^2),
// S = (J + J^T) / 2.
//
// Probes are a dim x (k batch) matrix, sample-major as TraceEstimator requires:
// probe p of sample j is column j k + p. One JVP over the state with each column
// repeated k times evaluates all probes at once.
#include <liouville/plugin.hpp>
#include <string>
#include <vector>

namespace example {

using liouville::Index;
using liouville::Matrix;
using liouville::Scalar;

class RademacherK final : public liouville::TraceEstimator {
 public:
  static constexpr std::string_view kName = "example/rademacher_k";
  static constexpr std::string_view kSummary =
      "Hutchinson's trace estimate averaged over k Rademacher probes per sample (variance / k).";

  static void declare(liouville::Schema& schema) {
    schema.integer("probes").default_value(4).min(1).doc(
        "Number k of Rademacher probes per sample; the variance falls as 1/k, the cost grows as k JVPs.");
  }

  RademacherK(const liouville::Params& params, liouville::BuildContext&)
      : path_(params.path()), probes_(params.get_int("probes")) {}

  bool is_stochastic() const override { return true; }

  Matrix draw_probes(Index dim, Index batch, liouville::Rng& rng) const override {
    Matrix probes(dim, probes_ * batch);
    rng.fill_rademacher(probes);
    return probes;
  }

  // trace_j = (1/k) sum_p eps_pj . (J_j eps_pj); f is the first of k equal copies.
  void evaluate(const liouville::VectorField& field, liouville::ConstMatrixRef probes, Scalar t,
                liouville::ConstMatrixRef z, liouville::MatrixRef f, liouville::VectorRef trace) const override {
    check_probes(probes, z);
    thread_local Matrix repeated_f;
    thread_local Matrix jv;
    repeated_f.resize(probes.rows(), probes.cols());
    jv.resize(probes.rows(), probes.cols());
    field.jvp(t, repeat_columns(z), probes, repeated_f, jv);
    f = repeated_f(Eigen::all, Eigen::seq(0, Eigen::last, probes_));
    trace = probes.cwiseProduct(jv).colwise().sum().reshaped(probes_, z.cols()).colwise().sum().transpose() /
            static_cast<Scalar>(probes_);
  }

  // The cotangent of J eps_pj is eps_pj trace_bar_j / k; f_bar reaches the first
  // copy of each sample only, and z_bar sums the cotangents of its k copies.
  Scalar backward(const liouville::VectorField& field, liouville::ConstMatrixRef probes, Scalar t,
                  liouville::ConstMatrixRef z, liouville::ConstMatrixRef f_bar,
                  liouville::ConstVectorRef trace_bar, liouville::MatrixRef z_bar,
                  liouville::VectorRef theta_bar) const override {
    check_probes(probes, z);
    const Index dim = z.rows();
    thread_local Matrix repeated_f_bar;
    thread_local Matrix jv_bar;
    thread_local Matrix repeated_z_bar;
    repeated_f_bar.setZero(probes.rows(), probes.cols());
    repeated_f_bar(Eigen::all, Eigen::seq(0, Eigen::last, probes_)) = f_bar;
    const liouville::Vector per_probe =
        (trace_bar.transpose().replicate(probes_, 1) / static_cast<Scalar>(probes_)).reshaped();
    jv_bar = probes * per_probe.asDiagonal();
    repeated_z_bar.resize(probes.rows(), probes.cols());
    const Scalar t_bar =
        field.jvp_backward(t, repeat_columns(z), probes, repeated_f_bar, jv_bar, repeated_z_bar, theta_bar);
    const auto stacked = repeated_z_bar.reshaped(dim * probes_, z.cols());  // copy p of sample j: rows p dim...
    z_bar = stacked.topRows(dim);
    for (Index p = 1; p < probes_; ++p) z_bar += stacked.middleRows(p * dim, dim);
    return t_bar;
  }

 private:
  // Each column of z repeated k times in place: column j k + p is z_j.
  Matrix repeat_columns(liouville::ConstMatrixRef z) const {
    std::vector<Index> source(static_cast<std::size_t>(probes_ * z.cols()));
    for (std::size_t i = 0; i < source.size(); ++i) source[i] = static_cast<Index>(i) / probes_;
    return z(Eigen::all, source);
  }

  void check_probes(liouville::ConstMatrixRef probes, liouville::ConstMatrixRef z) const {
    if (probes.rows() != z.rows() || probes.cols() != probes_ * z.cols())
      throw liouville::DataError(path_ + ": rademacher_k probes are " + std::to_string(probes.rows()) + " x " +
                                 std::to_string(probes.cols()) + " but a " + std::to_string(z.rows()) + " x " +
                                 std::to_string(z.cols()) + " state with " + std::to_string(probes_) +
                                 " probes per sample needs " + std::to_string(z.rows()) + " x " +
                                 std::to_string(probes_ * z.cols()) + " (draw them with draw_probes)");
  }

  std::string path_;
  Index probes_;
};

}  // namespace example

LIOUVILLE_REGISTER(liouville::TraceEstimator, example::RademacherK)
