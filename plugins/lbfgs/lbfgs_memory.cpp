#include "lbfgs_memory.hpp"

#include <algorithm>

namespace liouville::lbfgs {

LbfgsMemory::LbfgsMemory(Index dim, Index capacity)
    : s_(dim, capacity), y_(dim, capacity), rho_(capacity), alpha_(capacity) {}

bool LbfgsMemory::push(ConstVectorRef s, ConstVectorRef y) {
  const Scalar curvature = s.dot(y);
  if (!(curvature > kCurvatureTolerance * s.norm() * y.norm())) return false;
  newest_ = (newest_ + 1) % s_.cols();
  s_.col(newest_) = s;
  y_.col(newest_) = y;
  rho_[newest_] = 1 / curvature;
  size_ = std::min(size_ + 1, s_.cols());
  return true;
}

Index LbfgsMemory::column(Index age) const { return (newest_ - age + s_.cols()) % s_.cols(); }

void LbfgsMemory::apply_inverse_hessian(ConstVectorRef v, VectorRef out) {
  out = v;
  if (size_ == 0) return;
  for (Index age = 0; age < size_; ++age) {
    const Index k = column(age);
    alpha_[k] = rho_[k] * s_.col(k).dot(out);
    out -= alpha_[k] * y_.col(k);
  }
  out *= 1 / (rho_[newest_] * y_.col(newest_).squaredNorm());
  for (Index age = size_ - 1; age >= 0; --age) {
    const Index k = column(age);
    const Scalar beta = rho_[k] * y_.col(k).dot(out);
    out += (alpha_[k] - beta) * s_.col(k);
  }
}

}  // namespace liouville::lbfgs
