// The flat parameter vector of a model and its named slices.
//
// A model owns one ParameterStore. While the model is built, every component
// allocates the slices it needs (`allocate("model.flow[0].vector_field.w0", 3, 1)`)
// and keeps the returned ParameterSlice. Optimizers see only the flat vector;
// gradients are flat vectors with the same layout, so a component accumulates into
// its part of any gradient buffer with `slice.in(gradient)`. Checkpoints store the
// named slices.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville {

class ParameterStore;

struct ParameterSliceInfo {
  std::string name;
  Index offset = 0;
  Index rows = 0;
  Index cols = 0;
  Index size() const { return rows * cols; }
};

// A handle on one named, contiguous, column-major block of the flat vector.
class ParameterSlice {
 public:
  ParameterSlice() = default;

  Eigen::Map<const Matrix> value() const;
  Eigen::Map<Matrix> mutable_value() const;  // for initialization only
  // The same block of another flat vector with the store's layout (a gradient).
  Eigen::Map<Matrix> in(VectorRef flat) const;

  Index offset() const { return offset_; }
  Index rows() const { return rows_; }
  Index cols() const { return cols_; }
  Index size() const { return rows_ * cols_; }

 private:
  friend class ParameterStore;
  ParameterSlice(ParameterStore* store, Index offset, Index rows, Index cols)
      : store_(store), offset_(offset), rows_(rows), cols_(cols) {}

  ParameterStore* store_ = nullptr;
  Index offset_ = 0;
  Index rows_ = 0;
  Index cols_ = 0;
};

class ParameterStore {
 public:
  ParameterStore() = default;
  ParameterStore(const ParameterStore&) = delete;
  ParameterStore& operator=(const ParameterStore&) = delete;

  // Appends a zero-initialized rows x cols block. Throws ConfigError on a
  // duplicate name or negative size.
  ParameterSlice allocate(std::string name, Index rows, Index cols);

  Index size() const { return values_.size(); }
  Vector& values() { return values_; }
  const Vector& values() const { return values_; }
  const std::vector<ParameterSliceInfo>& slices() const { return slices_; }
  const ParameterSliceInfo* find(std::string_view name) const;

 private:
  Vector values_;
  std::vector<ParameterSliceInfo> slices_;
};

}  // namespace liouville
