#include "vector_gemm.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace liouville::mlp {
namespace {

// Depth slice: 64 columns of a 64-row A are 32 KiB, within L1.
constexpr Index kDepthSlice = 64;
// Columns of C per register block.
constexpr int kBlockColumns = 6;

// `lanes` doubles in one register (GCC vector extension). The kernels below are
// generic; each is inlined into an entry point compiled for one instruction set,
// where these types become that set's registers and a * b + c one FMA.
template <int lanes>
using Lanes [[gnu::vector_size(lanes * sizeof(double))]] = double;

// C(0 : lanes vectors, 0 : columns) (+)= A(.., 0 : depth) B(0 : depth, ..) with the
// block's C in registers: per depth step, `vectors` loads of A's column and
// `columns` broadcasts of B's row feed vectors x columns FMAs.
template <int lanes, int vectors, int columns>
[[gnu::always_inline]] inline void register_block(const GemmOperands& m, const double* a, const double* b,
                                                  double* c, Index depth, bool accumulate) {
  using V = Lanes<lanes>;
  V sum[columns][vectors];
  for (int j = 0; j < columns; ++j)
    for (int r = 0; r < vectors; ++r)
      if (accumulate)
        std::memcpy(&sum[j][r], c + j * m.c_stride + r * lanes, sizeof(V));
      else
        sum[j][r] = V{};
  for (Index p = 0; p < depth; ++p) {
    V a_column[vectors];
    for (int r = 0; r < vectors; ++r) std::memcpy(&a_column[r], a + p * m.a_stride + r * lanes, sizeof(V));
    const double* b_row = b + p * m.b_row_stride;
    for (int j = 0; j < columns; ++j) {
      const double b_pj = b_row[j * m.b_col_stride];
      for (int r = 0; r < vectors; ++r) sum[j][r] += a_column[r] * b_pj;
    }
  }
  for (int j = 0; j < columns; ++j)
    for (int r = 0; r < vectors; ++r) std::memcpy(c + j * m.c_stride + r * lanes, &sum[j][r], sizeof(V));
}

// The last `remaining` (< kBlockColumns) columns of a strip, in one block of
// that many columns.
template <int lanes, int vectors, int columns = kBlockColumns - 1>
[[gnu::always_inline]] inline void remainder_block(const GemmOperands& m, const double* a, const double* b,
                                                   double* c, Index depth, bool accumulate, Index remaining) {
  if constexpr (columns > 0) {
    if (remaining == columns)
      register_block<lanes, vectors, columns>(m, a, b, c, depth, accumulate);
    else
      remainder_block<lanes, vectors, columns - 1>(m, a, b, c, depth, accumulate, remaining);
  }
}

// One strip of lanes x vectors rows of C, all columns, over one depth slice.
template <int lanes, int vectors>
[[gnu::always_inline]] inline void row_strip(const GemmOperands& m, Index row, Index slice, Index depth,
                                             bool accumulate) {
  const double* a = m.a + row + slice * m.a_stride;
  const double* b = m.b + slice * m.b_row_stride;
  double* c = m.c + row;
  Index j = 0;
  for (; j + kBlockColumns <= m.cols; j += kBlockColumns)
    register_block<lanes, vectors, kBlockColumns>(m, a, b + j * m.b_col_stride, c + j * m.c_stride, depth,
                                                  accumulate);
  remainder_block<lanes, vectors>(m, a, b + j * m.b_col_stride, c + j * m.c_stride, depth, accumulate, m.cols - j);
}

// The rows from `row` on, fewer than `lanes`, in strips of one register of
// lanes / 2, lanes / 4, ..., 1 doubles.
template <int lanes>
[[gnu::always_inline]] inline void row_tail(const GemmOperands& m, Index row, Index slice, Index depth,
                                            bool accumulate) {
  if constexpr (lanes > 1) {
    constexpr int half = lanes / 2;
    if (row + half <= m.rows) {
      row_strip<half, 1>(m, row, slice, depth, accumulate);
      row += half;
    }
    row_tail<half>(m, row, slice, depth, accumulate);
  }
}

// Rows in strips of `vectors` registers, then single registers, then narrower
// ones; the depth in slices, the first of which overwrites C unless accumulating.
template <int lanes, int vectors>
[[gnu::always_inline]] inline void gemm(const GemmOperands& m) {
  if (m.depth == 0 && !m.accumulate)
    for (Index j = 0; j < m.cols; ++j) std::fill_n(m.c + j * m.c_stride, m.rows, 0.0);
  for (Index slice = 0; slice < m.depth; slice += kDepthSlice) {
    const Index depth = std::min(kDepthSlice, m.depth - slice);
    const bool accumulate = m.accumulate || slice > 0;
    Index row = 0;
    for (; row + lanes * vectors <= m.rows; row += lanes * vectors)
      row_strip<lanes, vectors>(m, row, slice, depth, accumulate);
    for (; row + lanes <= m.rows; row += lanes) row_strip<lanes, 1>(m, row, slice, depth, accumulate);
    row_tail<lanes>(m, row, slice, depth, accumulate);
  }
}

#if defined(__GNUC__) && defined(__x86_64__)
#define LIOUVILLE_MLP_X86_KERNELS 1
// Register budgets: AVX-512 has 32 registers of 8 doubles, 4 x 6 for C; AVX2
// has 16 of 4 doubles, 2 x 6 for C, leaving room for A's column and B's broadcast.
[[gnu::target("avx512f")]] void gemm_avx512(const GemmOperands& m) { gemm<8, 4>(m); }
[[gnu::target("avx2,fma")]] void gemm_avx2(const GemmOperands& m) { gemm<4, 2>(m); }
#endif

}  // namespace

VectorUnit best_vector_unit() {
#ifdef LIOUVILLE_MLP_X86_KERNELS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return VectorUnit::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return VectorUnit::kAvx2;
#endif
  return VectorUnit::kNone;
}

bool vector_gemm([[maybe_unused]] VectorUnit unit, [[maybe_unused]] const GemmOperands& operands) {
  static_assert(std::is_same_v<Scalar, double>, "the kernels are written for double");
#ifdef LIOUVILLE_MLP_X86_KERNELS
  switch (unit) {
    case VectorUnit::kAvx512:
      gemm_avx512(operands);
      return true;
    case VectorUnit::kAvx2:
      gemm_avx2(operands);
      return true;
    case VectorUnit::kNone:
      break;
  }
#endif
  return false;
}

}  // namespace liouville::mlp
