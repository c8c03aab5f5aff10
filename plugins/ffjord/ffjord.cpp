// FFJORD (Grathwohl et al. 2019): a continuous normalizing flow whose
// log-determinant is integrated along with the state.
//
// forward (data x -> base z): integrate y = [z; l] from t0 to t1 with
//   dz/dt = f(t, z), dl/dt = tr(df/dz), z(t0) = x, l(t0) = 0;
// then z = z(t1) and logdet = l(t1) = log|det dz(t1)/dx| (Liouville's equation).
// inverse (z -> x): the same system from t1 back to t0 with z(t1) = z, l(t1) = 0,
// so x = z(t0) and logdet = l(t0) = -int_t0^t1 tr dt = log|det dx/dz|.
// The l row is left out of step control (it is driven by z, never drives it).
// A stochastic trace estimator draws its probes once per solve.
// Threads: each evaluation of the dynamics is split over fixed column chunks on
// the context's thread pool (chunked_system.hpp), so results do not depend on the
// thread count.
//
// Regularization (RNODE, Finlay et al. 2020; rnode_dynamics.hpp): with
// kinetic_energy = lambda_K > 0 or jacobian_norm = lambda_J > 0, a forward pass
// that records a tape (training) also integrates E = int |f|^2 dt and
// J = int |df/dz eps|^2 dt per sample, out of step control, and puts
// lambda_K mean(E) + lambda_J mean(J) in Tape::penalty. eps is the trace
// estimator's probe when it draws one (Hutchinson), so the two estimates share
// their randomness as in RNODE. With the exact trace, a Gaussian probe is drawn
// once per solve: one JVP per step whatever the dimension, unbiased for the
// Frobenius norm (the exact norm would cost dim JVPs, the price the exact trace
// already pays). Evaluation (no tape) and inverse carry no extra channels.
//
// backward: the cotangent of y(t1) is [z_bar; logdet_bar^T]; the gradient method
// (solve_gradient.hpp: discrete or adjoint) carries it back to y(t0) and x_bar is
// its top rows.
#include <algorithm>
#include <liouville/plugin.hpp>
#include <memory>
#include <optional>
#include <string>

#include "cnf_dynamics.hpp"
#include "liouville/core/batch_shapes.hpp"
#include "liouville/core/chunked_system.hpp"
#include "liouville/core/integrate.hpp"
#include "rnode_dynamics.hpp"
#include "solve_gradient.hpp"

namespace liouville {
namespace {

// What a forward pass keeps: the probes of its solve and the solve's record.
struct FfjordTape final : Tape {
  Matrix probes;
  Matrix jacobian_probes;  // the Jacobian regularizer's (empty without it)
  std::unique_ptr<SolveRecord> record;
  Index batch = 0;
};

}  // namespace

class Ffjord final : public Bijection {
 public:
  static constexpr std::string_view kName = "ffjord";
  static constexpr std::string_view kSummary =
      "Continuous normalizing flow with the log-density integrated along (FFJORD, Grathwohl et al. 2019).";

  static void declare(Schema& schema) {
    schema.real_list("tspan")
        .default_value(std::vector<double>{0.0, 1.0})
        .min_size(2)
        .max_size(2)
        .doc("Integration interval [t0, t1]; data at t0, base at t1.");
    schema.component("vector_field", VectorField::kInterface).required().doc("The dynamics f(t, z).");
    schema.component("solver", ODESolver::kInterface).default_value("tsit5").doc("ODE solver and step control.");
    schema.component("trace", TraceEstimator::kInterface).default_value("exact").doc("Estimator of tr(df/dz).");
    schema.choice("gradient", {"discrete", "adjoint"})
        .default_value("discrete")
        .doc(
            "Reverse pass: discrete backpropagation through the accepted steps (memory grows with the steps), "
            "or the adjoint ODE solved backwards (constant memory, accurate to the solver's tolerance).");
    schema.boolean("seminorm")
        .default_value(false)
        .doc("gradient: adjoint only: leave the parameter adjoint out of the backward solve's step control.");
    schema.real("kinetic_energy")
        .default_value(0.0)
        .min(0)
        .doc(
            "RNODE's lambda_K (Finlay et al. 2020): adds lambda_K times the batch mean of int |f|^2 dt to the "
            "training loss; 0: off, no extra cost.");
    schema.real("jacobian_norm")
        .default_value(0.0)
        .min(0)
        .doc(
            "RNODE's lambda_J: adds lambda_J times the batch mean of int |df/dz eps|^2 dt (a Frobenius norm "
            "estimate; eps is the trace estimator's probe, or a Gaussian one with the exact trace) to the "
            "training loss; 0: off, no extra cost.");
    schema.integer("chunk_columns")
        .default_value(0)
        .min(0)
        .doc(
            "Widest column chunk of one evaluation of the dynamics on the thread pool; 0: automatic, a power "
            "of two of chunks with about 2^20 multiply-adds each or more (a model too small to gain from threads "
            "is not split). Results depend on the chunks in the last bits, never on the thread count.");
    schema.check([](const Params& params) -> std::optional<std::string> {
      const auto& tspan = params.get_real_list("tspan");
      if (tspan.size() == 2 && tspan[0] == tspan[1])
        return "tspan: t0 and t1 are both " + std::to_string(tspan[0]) + "; the interval must not be empty";
      return std::nullopt;
    });
    schema.check([](const Params& params) -> std::optional<std::string> {
      const auto& tspan = params.get_real_list("tspan");
      const bool regularized = params.get_real("kinetic_energy") > 0 || params.get_real("jacobian_norm") > 0;
      if (regularized && tspan.size() == 2 && tspan[1] < tspan[0])
        return "kinetic_energy, jacobian_norm: the regularizers integrate forward in time; tspan [" +
               std::to_string(tspan[0]) + ", " + std::to_string(tspan[1]) + "] runs backwards (t1 < t0)";
      return std::nullopt;
    });
    schema.check([](const Params& params) -> std::optional<std::string> {
      if (params.get_bool("seminorm") && params.get_string("gradient") != "adjoint")
        return "seminorm: true applies to the adjoint's backward solve; set gradient: adjoint or drop it";
      return std::nullopt;
    });
  }

  Ffjord(const Params& params, BuildContext& context)
      : path_(params.path()),
        dim_(context.dim()),
        t0_(params.get_real_list("tspan").at(0)),
        t1_(params.get_real_list("tspan").at(1)),
        kinetic_weight_(params.get_real("kinetic_energy")),
        jacobian_weight_(params.get_real("jacobian_norm")),
        channels_{kinetic_weight_ > 0, jacobian_weight_ > 0},
        parameters_begin_(context.parameters().size()),
        field_(context.create<VectorField>(params, "vector_field")),
        solver_(context.create<ODESolver>(params, "solver")),
        trace_(context.create<TraceEstimator>(params, "trace")),
        gradient_(make_solve_gradient(params.get_string("gradient"),
                                      {parameters_begin_, context.parameters().size() - parameters_begin_},
                                      params.get_bool("seminorm"))),
        pool_(context.thread_pool()),
        chunk_columns_(params.get_int("chunk_columns")),
        parameters_size_(context.parameters().size() - parameters_begin_) {
    if (field_->dim() != dim_)
      throw ConfigError(path_ + ".vector_field: dimension " + std::to_string(field_->dim()) +
                        " does not match the flow's dimension " + std::to_string(dim_));
  }

  Index dim() const override { return dim_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override {
    check_shapes("forward", x, z, logdet);
    Matrix probes = trace_->draw_probes(dim_, x.cols(), noise);
    const bool regularized = tape != nullptr && channels_.count() > 0;
    Matrix jacobian_probes = regularized ? draw_jacobian_probes(probes, x.cols(), noise) : Matrix();
    const ChunkedSystem dynamics = chunked_dynamics(probes, jacobian_probes, x.cols(), regularized);
    Matrix y = Matrix::Zero(dynamics.rows(), x.cols());
    y.topRows(dim_) = x;
    std::unique_ptr<SolveRecord> record;
    if (tape != nullptr)
      gradient_->solve(*solver_, dynamics, t0_, t1_, y, options(), record);
    else
      integrate(*solver_, dynamics, t0_, t1_, y, options(), nullptr);
    z = y.topRows(dim_);
    logdet = y.row(dim_).transpose();
    if (tape != nullptr) {
      auto kept = std::make_unique<FfjordTape>();
      kept->probes = std::move(probes);
      kept->jacobian_probes = std::move(jacobian_probes);
      if (regularized) kept->penalty = penalty(y);
      kept->record = std::move(record);
      kept->batch = x.cols();
      *tape = std::move(kept);
    }
  }

  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const override {
    check_shapes("inverse", z, x, logdet);
    const Matrix probes = trace_->draw_probes(dim_, z.cols(), noise);
    const ChunkedSystem dynamics = chunked_dynamics(probes, Matrix(), z.cols(), false);  // no penalty
    Matrix y(dim_ + 1, z.cols());
    y.topRows(dim_) = z;
    y.row(dim_).setZero();
    integrate(*solver_, dynamics, t1_, t0_, y, options(), nullptr);
    x = y.topRows(dim_);
    logdet = y.row(dim_).transpose();
  }

  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override {
    const auto* kept = dynamic_cast<const FfjordTape*>(tape);
    if (kept == nullptr)
      throw NotSupported(path_ + ": ffjord backward needs the tape recorded by its own forward pass");
    if (kept->batch != x.cols() || z.cols() != x.cols() || z_bar.cols() != x.cols() ||
        logdet_bar.size() != x.cols() || x_bar.cols() != x.cols() || z_bar.rows() != dim_ || x_bar.rows() != dim_)
      throw DataError(path_ + ": ffjord backward got inconsistent shapes (the tape holds a batch of " +
                      std::to_string(kept->batch) + ", x is " + shape(x) + ", z_bar " + shape(z_bar) + ", x_bar " +
                      shape(x_bar) + ", logdet_bar has " + std::to_string(logdet_bar.size()) + " values)");
    const ChunkedSystem dynamics =
        chunked_dynamics(kept->probes, kept->jacobian_probes, x.cols(), channels_.count() > 0);
    Matrix y_bar(dynamics.rows(), x.cols());
    y_bar.topRows(dim_) = z_bar;
    y_bar.row(dim_) = logdet_bar.transpose();
    if (channels_.count() > 0)
      y_bar.bottomRows(channels_.count()) = penalty_cotangent(kept->penalty_bar, x.cols());
    const ChunkedSystem state = chunked(x.cols(), [&](Index, Index) -> std::unique_ptr<OdeSystem> {
      return std::make_unique<StateDynamics>(*field_, dynamics.rows());
    });
    gradient_->backward(*solver_, dynamics, state, *kept->record, y_bar, theta_bar);
    x_bar = y_bar.topRows(dim_);
  }

 private:
  // The CNF dynamics over a batch of `batch` columns, one CnfDynamics per chunk
  // with its columns of the probes (none for a deterministic estimator).
  // The dynamics, with the RNODE channels when `regularized`, evaluated over
  // column chunks on the thread pool.
  ChunkedSystem chunked_dynamics(const Matrix& probes, const Matrix& jacobian_probes, Index batch,
                                 bool regularized) const {
    // Probes come sample-major (trace_estimator.hpp): sample j owns columns [j k, (j + 1) k).
    const auto columns = [batch](const Matrix& m, Index begin, Index width) {
      const Index per_sample = batch > 0 ? m.cols() / batch : 0;
      return m.size() == 0 ? m.leftCols(0) : m.middleCols(begin * per_sample, width * per_sample);
    };
    const auto make_part = [&](Index begin, Index width) -> std::unique_ptr<OdeSystem> {
      if (!regularized) return std::make_unique<CnfDynamics>(*field_, *trace_, columns(probes, begin, width));
      return std::make_unique<RegularizedChunk>(*field_, *trace_, columns(probes, begin, width),
                                                columns(jacobian_probes, begin, width), channels_);
    };
    return chunked(batch, make_part);
  }

  // `batch` columns in chunks, each made by `make_part`, evaluated on the thread
  // pool: at most chunk_columns_ wide when given, otherwise automatic_chunks() of them.
  ChunkedSystem chunked(Index batch, const ChunkedSystem::MakePart& make_part) const {
    const Index chunks = automatic_chunks(batch);
    const Index chunk_columns =
        chunk_columns_ > 0 ? chunk_columns_ : std::max<Index>((batch + chunks - 1) / chunks, 1);
    return ChunkedSystem(batch, chunk_columns, make_part, *pool_, parameters_begin_, parameters_size_);
  }

  // The most chunks, a power of two (so that 2, 4, 8 ... threads share them
  // evenly), that keep each chunk's work per evaluation of the dynamics above
  // kChunkWork multiply-adds, a column's work being the field's per column times
  // (1 + dim) (f with dim tangents: the exact trace's pass). Thinner chunks cost
  // more than they gain (their parameter-gradient buffers, weight transposes,
  // per-call work such as planar_cnf's time gates, and thread hand-offs):
  // FFJORD's toy model gets 2 chunks at a batch of 100, 8 at 512; the 1-D seed's
  // and the planar CNF of seed 002 are never split.
  Index automatic_chunks(Index batch) const {
    constexpr double kChunkWork = 1 << 20;
    const double work =
        static_cast<double>(batch) * field_->multiply_adds_per_column() * static_cast<double>(1 + dim_);
    Index chunks = 1;
    while (2.0 * static_cast<double>(chunks) * kChunkWork <= work) chunks *= 2;
    return chunks;
  }

  // One chunk of the regularized dynamics: the CNF part and its RNODE channels.
  class RegularizedChunk final : public OdeSystem {
   public:
    RegularizedChunk(const VectorField& field, const TraceEstimator& trace, ConstMatrixRef probes,
                     ConstMatrixRef jacobian_probes, RnodeChannels channels)
        : cnf_(field, trace, probes), rnode_(cnf_, field, jacobian_probes, channels) {}
    Index rows() const override { return rnode_.rows(); }
    void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override { rnode_.rhs(t, y, dy); }
    void rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                      VectorRef theta_bar) const override {
      rnode_.rhs_backward(t, y, dy_bar, y_bar, theta_bar);
    }

   private:
    CnfDynamics cnf_;
    RnodeDynamics rnode_;
  };

  IntegrateOptions options() const {
    IntegrateOptions options;
    options.controlled_rows = dim_;
    return options;
  }

  // The Jacobian channel's probes: the trace estimator's, or a Gaussian draw when
  // it has none (the exact trace); empty without the channel.
  Matrix draw_jacobian_probes(const Matrix& trace_probes, Index batch, Rng& noise) const {
    if (!channels_.jacobian) return Matrix();
    if (trace_probes.size() > 0) return trace_probes;
    Matrix probes(dim_, batch);
    noise.fill_normal(probes);
    return probes;
  }

  // lambda_K mean(E(t1)) + lambda_J mean(J(t1)) from the regularized state.
  Scalar penalty(const Matrix& y) const {
    Index row = dim_ + 1;
    Scalar total = 0;
    if (channels_.kinetic) total += kinetic_weight_ * y.row(row++).mean();
    if (channels_.jacobian) total += jacobian_weight_ * y.row(row).mean();
    return total;
  }

  // The cotangent of the E and J rows at t1 for a penalty cotangent penalty_bar.
  Matrix penalty_cotangent(Scalar penalty_bar, Index batch) const {
    Matrix rows(channels_.count(), batch);
    Index row = 0;
    const Scalar per_sample = penalty_bar / static_cast<Scalar>(batch);
    if (channels_.kinetic) rows.row(row++).setConstant(kinetic_weight_ * per_sample);
    if (channels_.jacobian) rows.row(row).setConstant(jacobian_weight_ * per_sample);
    return rows;
  }

  static std::string shape(ConstMatrixRef m) {
    return std::to_string(m.rows()) + " x " + std::to_string(m.cols());
  }

  void check_shapes(const char* method, ConstMatrixRef in, ConstMatrixRef out, ConstVectorRef logdet) const {
    check_batch_shapes(path_ + ": ffjord", method, dim_, in, out, logdet);
  }

  std::string path_;
  Index dim_;
  Scalar t0_;
  Scalar t1_;
  Scalar kinetic_weight_;
  Scalar jacobian_weight_;
  RnodeChannels channels_;
  Index parameters_begin_;  // the children's parameters follow it, contiguous
  std::shared_ptr<VectorField> field_;
  std::shared_ptr<ODESolver> solver_;
  std::shared_ptr<TraceEstimator> trace_;
  std::unique_ptr<SolveGradient> gradient_;
  std::shared_ptr<ThreadPool> pool_;
  Index chunk_columns_;  // 0: automatic_chunks()
  Index parameters_size_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Bijection, liouville::Ffjord)
