// ChunkedSystem: the chunks cover the batch in near-equal widths, the chunked
// right-hand side and reverse mode agree with the whole-batch system, results
// are bit-identical on 1, 2 and 3 threads, a part's exception reaches the
// caller, and a part writing outside its parameter block is refused.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "liouville/core/chunked_system.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/rng.hpp"

using namespace liouville;

namespace {

// dy = A y with A (rows x rows) at `offset` of a flat parameter vector; the
// reverse mode is y_bar = A^T dy_bar, A_bar += dy_bar y^T. Columns [begin,
// begin + columns) of a batch; records the widths it was called with.
class LinearSystem final : public OdeSystem {
 public:
  LinearSystem(const Vector& theta, Index offset, Index rows, Index begin, Index columns, Index throw_at = -1)
      : theta_(theta), offset_(offset), rows_(rows), begin_(begin), columns_(columns), throw_at_(throw_at) {}

  Index rows() const override { return rows_; }

  void rhs(Scalar, ConstMatrixRef y, MatrixRef dy) const override {
    check(y.cols());
    dy.noalias() = a() * y;
  }

  void rhs_backward(Scalar, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                    VectorRef theta_bar) const override {
    check(y.cols());
    y_bar.noalias() = a().transpose() * dy_bar;
    Eigen::Map<Matrix>(theta_bar.data() + offset_, rows_, rows_).noalias() += dy_bar * y.transpose();
    if (stray_) theta_bar(0) += 1;
  }

  bool stray_ = false;  // writes outside the block [offset, offset + rows^2)

 private:
  Eigen::Map<const Matrix> a() const { return {theta_.data() + offset_, rows_, rows_}; }
  void check(Index cols) const {
    if (cols != columns_) throw DataError("part got " + std::to_string(cols) + " columns");
    if (begin_ <= throw_at_ && throw_at_ < begin_ + columns_)
      throw NumericalError("part at column " + std::to_string(begin_) + " failed");
  }

  const Vector& theta_;
  Index offset_, rows_, begin_, columns_, throw_at_;
};

struct Problem {
  static constexpr Index kRows = 3;
  static constexpr Index kOffset = 2;  // the block starts after two foreign entries
  Vector theta = Vector::Zero(kOffset + kRows * kRows + 1);
  Matrix y;
  Matrix dy_bar;

  explicit Problem(Index batch) : y(kRows, batch), dy_bar(kRows, batch) {
    Rng rng(5);
    rng.fill_normal(theta);
    rng.fill_normal(y);
    rng.fill_normal(dy_bar);
  }

  ChunkedSystem::MakePart parts(std::vector<Index>* widths = nullptr, Index throw_at = -1) const {
    return [this, widths, throw_at](Index begin, Index columns) {
      if (widths != nullptr) widths->push_back(columns);
      return std::make_unique<LinearSystem>(theta, kOffset, kRows, begin, columns, throw_at);
    };
  }
};

struct Result {
  Matrix dy;
  Matrix y_bar;
  Vector theta_bar;
};

Result run(const OdeSystem& system, const Problem& problem) {
  Result result{Matrix(problem.y.rows(), problem.y.cols()), Matrix(problem.y.rows(), problem.y.cols()),
                Vector::Constant(problem.theta.size(), 0.5)};
  system.rhs(0, problem.y, result.dy);
  system.rhs_backward(0, problem.y, problem.dy_bar, result.y_bar, result.theta_bar);
  return result;
}

}  // namespace

TEST_CASE("ChunkedSystem cuts a batch into near-equal chunks, whatever the pool") {
  const Problem problem(10);
  for (const auto& [batch, max, expected] : std::vector<std::tuple<Index, Index, std::vector<Index>>>{
           {10, 4, {3, 3, 4}}, {10, 10, {10}}, {10, 32, {10}}, {100, 32, {25, 25, 25, 25}}, {0, 4, {0}}}) {
    std::vector<Index> widths;
    const ChunkedSystem system(batch, max, problem.parts(&widths), *serial_thread_pool(), Problem::kOffset, 9);
    CHECK(system.chunks() == static_cast<Index>(expected.size()));
    CHECK(widths == expected);
  }
  CHECK_THROWS_AS(ChunkedSystem(10, 0, problem.parts(), *serial_thread_pool(), 0, 0), DataError);
}

TEST_CASE("ChunkedSystem agrees with the whole batch and is bit-identical on 1, 2 and 3 threads") {
  const Problem problem(10);
  const LinearSystem whole(problem.theta, Problem::kOffset, Problem::kRows, 0, 10);
  const Result reference = run(whole, problem);
  std::vector<Result> results;
  for (const long threads : {1L, 2L, 3L}) {
    ThreadPool pool(threads);
    const ChunkedSystem system(10, 4, problem.parts(), pool, Problem::kOffset, Problem::kRows * Problem::kRows);
    results.push_back(run(system, problem));
    // Run twice: the buffers of the second call start from zero again.
    CHECK(run(system, problem).theta_bar == results.back().theta_bar);
  }
  CHECK((results[0].dy - reference.dy).lpNorm<Eigen::Infinity>() <= 1e-14);
  CHECK((results[0].y_bar - reference.y_bar).lpNorm<Eigen::Infinity>() <= 1e-14);
  CHECK((results[0].theta_bar - reference.theta_bar).lpNorm<Eigen::Infinity>() <= 1e-13);
  CHECK(results[0].theta_bar.head(Problem::kOffset) == Vector::Constant(Problem::kOffset, 0.5));
  for (const Result& other : results) {
    CHECK(other.dy == results[0].dy);
    CHECK(other.y_bar == results[0].y_bar);
    CHECK(other.theta_bar == results[0].theta_bar);
  }
}

TEST_CASE("ChunkedSystem: a part's exception reaches the caller") {
  const Problem problem(10);
  ThreadPool pool(2);
  const ChunkedSystem system(10, 4, problem.parts(nullptr, 7), pool, Problem::kOffset, 9);
  Matrix dy(3, 10);
  CHECK_THROWS_WITH_AS(system.rhs(0, problem.y, dy), "part at column 6 failed", NumericalError);
}

TEST_CASE("ChunkedSystem refuses a part that writes outside its parameter block") {
  const Problem problem(10);
  ThreadPool pool(2);
  const ChunkedSystem::MakePart stray = [&problem](Index begin, Index columns) {
    auto part = std::make_unique<LinearSystem>(problem.theta, Problem::kOffset, Problem::kRows, begin, columns);
    part->stray_ = true;
    return part;
  };
  const ChunkedSystem system(10, 4, stray, pool, Problem::kOffset, 9);
  Matrix y_bar(3, 10);
  Vector theta_bar = Vector::Zero(problem.theta.size());
  CHECK_THROWS_WITH_AS(system.rhs_backward(0, problem.y, problem.dy_bar, y_bar, theta_bar),
                       doctest::Contains("outside its block [2, 11)"), NotSupported);
  Vector small = Vector::Zero(5);
  CHECK_THROWS_AS(system.rhs_backward(0, problem.y, problem.dy_bar, y_bar, small), DataError);
}
