// The mlp's GEMM kernels against Eigen's products, on each vector unit this
// CPU supports, over shapes that exercise every register block and remainder.
#include <doctest/doctest.h>

#include <vector>

#include "liouville/core/rng.hpp"
#include "vector_gemm.hpp"

namespace liouville::mlp {
namespace {

std::vector<VectorUnit> supported_units() {
  switch (best_vector_unit()) {
    case VectorUnit::kAvx512:
      return {VectorUnit::kAvx512, VectorUnit::kAvx2};  // every AVX-512 CPU has AVX2 and FMA
    case VectorUnit::kAvx2:
      return {VectorUnit::kAvx2};
    case VectorUnit::kNone:
      break;
  }
  return {};
}

Matrix random_matrix(Index rows, Index cols, Rng& rng) {
  Matrix m(rows, cols);
  rng.fill_normal(m);
  return m;
}

TEST_CASE("without a vector unit the kernel declines and touches nothing") {
  Scalar c = 7;
  const Scalar a = 1, b = 2;
  CHECK_FALSE(vector_gemm(VectorUnit::kNone, {1, 1, 1, &a, 1, &b, 1, 1, &c, 1, false}));
  CHECK(c == 7);
}

// diag(scale) A B + shift 1^T on the first shift_cols columns, by Eigen.
Matrix reference_product(const Matrix& a, const Matrix& b, const Vector* scale, const Vector* shift,
                         Index shift_cols) {
  Matrix p = a * b;
  if (scale) p = scale->asDiagonal() * p;
  if (shift) p.leftCols(shift_cols).colwise() += *shift;
  return p;
}

TEST_CASE("C = P and C += P match Eigen for B and B^T, with outer strides, row scales and shifts") {
  const std::vector<VectorUnit> units = supported_units();
  if (units.empty()) MESSAGE("this CPU has neither AVX-512 nor AVX2 with FMA: only the Eigen path runs");
  Rng rng(21);
  for (const VectorUnit unit : units) {
    for (const Index rows : {1, 3, 4, 8, 13, 32, 37, 64, 70}) {
      for (const Index cols : {0, 1, 5, 6, 7, 13, 40}) {
        for (const Index depth : {0, 1, 2, 63, 64, 65, 130}) {
          for (const bool transposed : {false, true}) {
            for (const bool accumulate : {false, true}) {
              for (const int affine : {0, 1, 2, 3}) {  // bit 0: row scale, bit 1: shift on some columns
                CAPTURE(static_cast<int>(unit));
                CAPTURE(rows);
                CAPTURE(cols);
                CAPTURE(depth);
                CAPTURE(transposed);
                CAPTURE(accumulate);
                CAPTURE(affine);
                // Each operand is the top-left block of a taller matrix (outer stride > rows).
                const Matrix a = random_matrix(rows + 3, depth, rng);
                const Matrix b =
                    transposed ? random_matrix(cols + 2, depth, rng) : random_matrix(depth + 2, cols, rng);
                Matrix c = random_matrix(rows + 1, cols, rng);
                const Vector scale = random_matrix(rows, 1, rng), shift = random_matrix(rows, 1, rng);
                const Index shift_cols = cols / 2 + 1;
                const Vector* used_scale = affine & 1 ? &scale : nullptr;
                const Vector* used_shift = affine & 2 ? &shift : nullptr;
                const Matrix b_block = transposed ? Matrix(b.topRows(cols).transpose()) : Matrix(b.topRows(depth));
                const Matrix product = reference_product(a.topRows(rows), b_block, used_scale, used_shift,
                                                         std::min(shift_cols, cols));
                Matrix expected = c;
                expected.topRows(rows) = accumulate ? Matrix(c.topRows(rows) + product) : product;
                const GemmOperands operands{.rows = rows,
                                            .cols = cols,
                                            .depth = depth,
                                            .a = a.data(),
                                            .a_stride = a.rows(),
                                            .b = b.data(),
                                            .b_row_stride = transposed ? b.rows() : 1,
                                            .b_col_stride = transposed ? 1 : b.rows(),
                                            .c = c.data(),
                                            .c_stride = c.rows(),
                                            .accumulate = accumulate,
                                            .row_scale = used_scale ? scale.data() : nullptr,
                                            .row_shift = used_shift ? shift.data() : nullptr,
                                            .shift_cols = shift_cols};
                REQUIRE(vector_gemm(unit, operands));
                // Round-off of a sum of `depth` products: a few ulp of the sum of |terms|.
                const Matrix bound = (a.topRows(rows).cwiseAbs() * b_block.cwiseAbs()).array() + 2.0;
                const Matrix scaled_bound = used_scale ? Matrix(scale.cwiseAbs().asDiagonal() * bound) : bound;
                CHECK(((c - expected).topRows(rows).cwiseAbs().array() <= 1e-14 * (scaled_bound.array() + 1.0))
                          .all());
                CHECK(c.bottomRows(1) == expected.bottomRows(1));  // rows below the block untouched
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace liouville::mlp
