// ChunkedSystem: an OdeSystem whose right-hand side and reverse mode run over
// column chunks of the batch on a ThreadPool.
//
// The columns of an OdeSystem are independent samples, so F over the batch is
// F over each chunk of columns. The solver still integrates the whole batch (one
// step-size sequence, the same number of function evaluations); only each
// evaluation is split. The chunks depend on the batch width and
// `max_chunk_columns` alone, never on the thread count, and each chunk's parameter
// cotangent goes to a buffer of its own that is added to theta_bar in chunk
// order: the result is the same, bit for bit, on any number of threads.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "liouville/core/ode_system.hpp"
#include "liouville/core/thread_pool.hpp"

namespace liouville {

class ChunkedSystem final : public OdeSystem {
 public:
  // The system over the `columns` columns of the batch that start at `begin`.
  using MakePart = std::function<std::unique_ptr<OdeSystem>(Index begin, Index columns)>;

  // Cuts `batch` columns into ceil(batch / max_chunk_columns) chunks (one for an
  // empty batch) whose widths differ by at most one. The parts write parameter cotangents only into the
  // entries [parameters_offset, parameters_offset + parameters_size) of
  // theta_bar. `pool` must outlive the object; rhs_backward works in member
  // buffers, so one solve at a time.
  ChunkedSystem(Index batch, Index max_chunk_columns, const MakePart& make_part, ThreadPool& pool,
                Index parameters_offset, Index parameters_size);

  Index rows() const override { return parts_.front()->rows(); }
  Index chunks() const { return static_cast<Index>(parts_.size()); }

  void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override;

  // Chunk 0 accumulates into theta_bar itself, chunk k > 0 into a zeroed buffer;
  // the buffers are then added in order k = 1, 2, ...
  void rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                    VectorRef theta_bar) const override;

 private:
  Index begin(Index chunk) const { return begins_[static_cast<std::size_t>(chunk)]; }
  Index width(Index chunk) const { return begin(chunk + 1) - begin(chunk); }
  // Allocates the buffers on the first reverse pass and, after it, checks that
  // no part wrote outside the parameter block (that cotangent would be lost).
  void prepare_buffers(Index gradient_size) const;
  void check_block_respected() const;

  std::vector<std::unique_ptr<OdeSystem>> parts_;
  std::vector<Index> begins_;  // chunk k is [begins_[k], begins_[k + 1])
  ThreadPool& pool_;
  Index parameters_offset_;
  Index parameters_size_;
  mutable std::vector<Vector> theta_bars_;  // chunks 1 .. n-1, the model's layout
  mutable bool block_checked_ = false;
};

}  // namespace liouville
