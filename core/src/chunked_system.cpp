#include "liouville/core/chunked_system.hpp"

#include <algorithm>
#include <string>

#include "liouville/core/errors.hpp"

namespace liouville {

ChunkedSystem::ChunkedSystem(Index batch, Index max_chunk_columns, const MakePart& make_part, ThreadPool& pool,
                             Index parameters_offset, Index parameters_size)
    : pool_(pool), parameters_offset_(parameters_offset), parameters_size_(parameters_size) {
  if (batch < 0 || max_chunk_columns < 1)
    throw DataError("chunked system: a batch of " + std::to_string(batch) + " columns in chunks of at most " +
                    std::to_string(max_chunk_columns) + " (the batch must be >= 0, the chunks >= 1)");
  if (parameters_offset < 0 || parameters_size < 0)
    throw DataError("chunked system: parameter block [" + std::to_string(parameters_offset) + ", +" +
                    std::to_string(parameters_size) + ") is negative");
  const Index chunks = std::max(Index{1}, (batch + max_chunk_columns - 1) / max_chunk_columns);
  for (Index k = 0; k <= chunks; ++k) begins_.push_back(k * batch / chunks);
  for (Index k = 0; k < chunks; ++k) parts_.push_back(make_part(begin(k), width(k)));
}

void ChunkedSystem::rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const {
  if (chunks() == 1) {
    parts_.front()->rhs(t, y, dy);
    return;
  }
  pool_.parallel_for(chunks(), [&](Index k) {
    parts_[static_cast<std::size_t>(k)]->rhs(t, y.middleCols(begin(k), width(k)),
                                             dy.middleCols(begin(k), width(k)));
  });
}

void ChunkedSystem::prepare_buffers(Index gradient_size) const {
  if (parameters_offset_ + parameters_size_ > gradient_size)
    throw DataError("chunked system: the parameter block [" + std::to_string(parameters_offset_) + ", " +
                    std::to_string(parameters_offset_ + parameters_size_) + ") lies outside a gradient of " +
                    std::to_string(gradient_size) + " values");
  if (!theta_bars_.empty() && theta_bars_.front().size() == gradient_size) return;
  theta_bars_.assign(static_cast<std::size_t>(chunks() - 1), Vector::Zero(gradient_size));
  block_checked_ = false;
}

void ChunkedSystem::check_block_respected() const {
  const Index end = parameters_offset_ + parameters_size_;
  for (const Vector& buffer : theta_bars_)
    if (!buffer.head(parameters_offset_).isZero(0) || !buffer.tail(buffer.size() - end).isZero(0))
      throw NotSupported("chunked system: a part wrote parameter cotangents outside its block [" +
                         std::to_string(parameters_offset_) + ", " + std::to_string(end) + ")");
  block_checked_ = true;
}

void ChunkedSystem::rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                                 VectorRef theta_bar) const {
  if (chunks() == 1) {
    parts_.front()->rhs_backward(t, y, dy_bar, y_bar, theta_bar);
    return;
  }
  prepare_buffers(theta_bar.size());
  pool_.parallel_for(chunks(), [&](Index k) {
    const Index b = begin(k);
    const Index w = width(k);
    if (k == 0) {
      parts_.front()->rhs_backward(t, y.middleCols(b, w), dy_bar.middleCols(b, w), y_bar.middleCols(b, w),
                                   theta_bar);
      return;
    }
    Vector& own = theta_bars_[static_cast<std::size_t>(k - 1)];
    own.segment(parameters_offset_, parameters_size_).setZero();
    parts_[static_cast<std::size_t>(k)]->rhs_backward(t, y.middleCols(b, w), dy_bar.middleCols(b, w),
                                                      y_bar.middleCols(b, w), own);
  });
  if (!block_checked_) check_block_respected();
  for (const Vector& own : theta_bars_)
    theta_bar.segment(parameters_offset_, parameters_size_) += own.segment(parameters_offset_, parameters_size_);
}

}  // namespace liouville
