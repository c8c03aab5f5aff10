// Scalar and matrix types shared by every part of Liouville.
//
// Layout: a batch is a `dim x batch` matrix, one column per sample, column-major.
// Per-sample quantities (log-determinants, log-densities) are column vectors of
// length `batch`. Only dynamic-size Eigen types cross a plugin boundary.
#pragma once

#include <Eigen/Core>

namespace liouville {

using Scalar = double;
using Index = Eigen::Index;

using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

using MatrixRef = Eigen::Ref<Matrix>;
using ConstMatrixRef = const Eigen::Ref<const Matrix>&;
using VectorRef = Eigen::Ref<Vector>;
using ConstVectorRef = const Eigen::Ref<const Vector>&;

}  // namespace liouville
