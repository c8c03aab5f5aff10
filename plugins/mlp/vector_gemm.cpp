#include "vector_gemm.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

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

// Where a register block sits: its first row and column of C and its depth slice.
struct BlockPosition {
  Index row = 0;
  Index col = 0;
  Index slice = 0;  // first depth index
  Index depth = 0;  // depth indices in the slice
};

// C(rows, cols of the block) (+)= its part of P from one depth slice, with the
// sums in registers: per depth step, `vectors` loads of A's column and `columns`
// broadcasts of B's row feed vectors x columns FMAs. The first slice adds the
// shift and, unless accumulating, overwrites C; later slices add to C.
template <int lanes, int vectors, int columns>
[[gnu::always_inline]] inline void register_block(const GemmOperands& m, const BlockPosition& at) {
  using V = Lanes<lanes>;
  const double* a = m.a + at.row + at.slice * m.a_stride;
  const double* b = m.b + at.slice * m.b_row_stride + at.col * m.b_col_stride;
  double* c = m.c + at.row + at.col * m.c_stride;
  V sum[columns][vectors] = {};
  for (Index p = 0; p < at.depth; ++p) {
    V a_column[vectors];
    for (int r = 0; r < vectors; ++r) std::memcpy(&a_column[r], a + p * m.a_stride + r * lanes, sizeof(V));
    const double* b_row = b + p * m.b_row_stride;
    for (int j = 0; j < columns; ++j) {
      const double b_pj = b_row[j * m.b_col_stride];
      for (int r = 0; r < vectors; ++r) sum[j][r] += a_column[r] * b_pj;
    }
  }
  const bool first_slice = at.slice == 0;
  const bool add_to_c = m.accumulate || !first_slice;
  V scale[vectors] = {}, shift[vectors] = {};
  for (int r = 0; r < vectors; ++r) {
    if (m.row_scale) std::memcpy(&scale[r], m.row_scale + at.row + r * lanes, sizeof(V));
    if (m.row_shift) std::memcpy(&shift[r], m.row_shift + at.row + r * lanes, sizeof(V));
  }
  for (int j = 0; j < columns; ++j) {
    const bool shifted = m.row_shift && first_slice && at.col + j < m.shift_cols;
    for (int r = 0; r < vectors; ++r) {
      V value = m.row_scale ? sum[j][r] * scale[r] : sum[j][r];
      if (shifted) value += shift[r];
      double* out = c + j * m.c_stride + r * lanes;
      if (add_to_c) {
        V old;
        std::memcpy(&old, out, sizeof(V));
        value += old;
      }
      std::memcpy(out, &value, sizeof(V));
    }
  }
}

// The last `remaining` (< kBlockColumns) columns of a strip, in one block of
// that many columns.
template <int lanes, int vectors, int columns = kBlockColumns - 1>
[[gnu::always_inline]] inline void remainder_block(const GemmOperands& m, const BlockPosition& at,
                                                   Index remaining) {
  if constexpr (columns > 0) {
    if (remaining == columns)
      register_block<lanes, vectors, columns>(m, at);
    else
      remainder_block<lanes, vectors, columns - 1>(m, at, remaining);
  }
}

// One strip of lanes x vectors rows of C from `at.row`, all columns, over one depth slice.
template <int lanes, int vectors>
[[gnu::always_inline]] inline void row_strip(const GemmOperands& m, BlockPosition at) {
  for (at.col = 0; at.col + kBlockColumns <= m.cols; at.col += kBlockColumns)
    register_block<lanes, vectors, kBlockColumns>(m, at);
  remainder_block<lanes, vectors>(m, at, m.cols - at.col);
}

// The rows from `at.row` on, fewer than `lanes`, in strips of one register of
// lanes / 2, lanes / 4, ..., 1 doubles.
template <int lanes>
[[gnu::always_inline]] inline void row_tail(const GemmOperands& m, BlockPosition at) {
  if constexpr (lanes > 1) {
    constexpr int half = lanes / 2;
    if (at.row + half <= m.rows) {
      row_strip<half, 1>(m, at);
      at.row += half;
    }
    row_tail<half>(m, at);
  }
}

// Rows in strips of `vectors` registers, then single registers, then narrower
// ones; the depth in slices.
template <int lanes, int vectors>
[[gnu::always_inline]] inline void strips(const GemmOperands& m) {
  for (BlockPosition at; at.slice < m.depth; at.slice += kDepthSlice) {
    at.depth = std::min(kDepthSlice, m.depth - at.slice);
    for (at.row = 0; at.row + lanes * vectors <= m.rows; at.row += lanes * vectors)
      row_strip<lanes, vectors>(m, at);
    for (; at.row + lanes <= m.rows; at.row += lanes) row_strip<lanes, 1>(m, at);
    row_tail<lanes>(m, at);
  }
}

// C(r, j) = (accumulate ? C(r, j) : 0) + P(r, j) from the sum of A(r, .) B(., j).
inline void store_entry(const GemmOperands& m, Index r, Index j, double sum) {
  double value = m.row_scale ? sum * m.row_scale[r] : sum;
  if (m.row_shift && j < m.shift_cols) value += m.row_shift[r];
  double& out = m.c[r + j * m.c_stride];
  out = m.accumulate ? out + value : value;
}

// Fewer rows than a register holds and B a transpose (the outer product of a
// 2-D field's last layer): C^T = B^T A^T has many rows and runs in strips,
// into `scratch`, then goes to C.
template <int lanes, int vectors>
[[gnu::always_inline]] inline void transposed_strips(const GemmOperands& m) {
  thread_local std::vector<double> scratch;
  scratch.resize(static_cast<std::size_t>(m.rows * m.cols));
  strips<lanes, vectors>({.rows = m.cols,
                          .cols = m.rows,
                          .depth = m.depth,
                          .a = m.b,
                          .a_stride = m.b_row_stride,
                          .b = m.a,
                          .b_row_stride = m.a_stride,
                          .b_col_stride = 1,
                          .c = scratch.data(),
                          .c_stride = m.cols});
  for (Index j = 0; j < m.cols; ++j)
    for (Index r = 0; r < m.rows; ++r) store_entry(m, r, j, scratch[static_cast<std::size_t>(j + r * m.cols)]);
}

template <int lanes, int vectors>
[[gnu::always_inline]] inline void gemm(const GemmOperands& m) {
  if (m.depth == 0) {  // P = shift
    for (Index j = 0; j < m.cols; ++j)
      for (Index r = 0; r < m.rows; ++r) store_entry(m, r, j, 0.0);
  } else if (m.rows < lanes && m.b_col_stride == 1 && m.cols >= lanes) {
    transposed_strips<lanes, vectors>(m);
  } else {
    strips<lanes, vectors>(m);
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
