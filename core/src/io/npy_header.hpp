// The header of an NPY file: a Python dict literal such as
//   {'descr': '<f8', 'fortran_order': False, 'shape': (100, 2), }
// (numpy's format spec, numpy/lib/format.py).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace liouville::io {

// The first bytes of every NPY file.
inline constexpr std::string_view kNpyMagic = "\x93NUMPY";

struct NpyDtype {
  char kind = 'f';  // 'f' float, 'i' signed integer
  int size = 8;     // bytes per element
  bool big_endian = false;
};

struct NpyHeader {
  std::string descr;
  NpyDtype dtype;
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
};

// Parses the dict; a syntax error, a missing, duplicate or unknown key, an
// unsupported dtype or a shape that is not (n,) or (n, d) with n, d >= 1 throws
// DataError "<source>: <field>: ..." (the field is descr, fortran_order, shape,
// or header for the dict's syntax).
NpyHeader parse_npy_header(std::string_view text, const std::string& source);

// "(3, 2)" or "(3,)", as numpy writes it.
std::string shape_text(const std::vector<std::uint64_t>& shape);

}  // namespace liouville::io
