#include "liouville/core/parameters.hpp"

#include <algorithm>

#include "liouville/core/errors.hpp"

namespace liouville {

Eigen::Map<const Matrix> ParameterSlice::value() const {
  return Eigen::Map<const Matrix>(store_->values().data() + offset_, rows_, cols_);
}

Eigen::Map<Matrix> ParameterSlice::mutable_value() const {
  return Eigen::Map<Matrix>(store_->values().data() + offset_, rows_, cols_);
}

Eigen::Map<Matrix> ParameterSlice::in(VectorRef flat) const {
  return Eigen::Map<Matrix>(flat.data() + offset_, rows_, cols_);
}

ParameterSlice ParameterStore::allocate(std::string name, Index rows, Index cols) {
  if (rows < 0 || cols < 0)
    throw ConfigError("parameter '" + name + "': negative shape " + std::to_string(rows) + " x " +
                      std::to_string(cols));
  if (find(name) != nullptr) throw ConfigError("parameter '" + name + "' is allocated twice");
  const Index offset = values_.size();
  values_.conservativeResize(offset + rows * cols);
  values_.tail(rows * cols).setZero();
  slices_.push_back(ParameterSliceInfo{std::move(name), offset, rows, cols});
  return ParameterSlice(this, offset, rows, cols);
}

const ParameterSliceInfo* ParameterStore::find(std::string_view name) const {
  auto it = std::find_if(slices_.begin(), slices_.end(), [&](const auto& s) { return s.name == name; });
  return it == slices_.end() ? nullptr : &*it;
}

}  // namespace liouville
