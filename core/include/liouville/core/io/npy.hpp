// NPY files (numpy's array format, versions 1.0, 2.0 and 3.0): one row per
// sample. A 1-D array of shape (n,) holds n samples of dimension 1, a 2-D array
// of shape (n, d) n samples of dimension d; in memory they become dim x n (one
// column per sample).
//
//   const liouville::Matrix x = liouville::io::read_npy("data/train.npy");
//   std::string bytes = liouville::io::samples_to_npy(x);  // numpy.load reads it
//
// Element types: <f8, >f8, <f4, >f4, and the integers <i8, >i8, <i4, >i4 (read
// as double); C or Fortran order. A malformed file throws DataError naming the
// header field at fault (magic, version, header_len, descr, fortran_order,
// shape) and what was found. The data size the header claims is checked against
// the file's size before anything is allocated.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "liouville/core/types.hpp"

namespace liouville::io {

Matrix read_npy(const std::filesystem::path& path);

// The bytes of an NPY file; `source` names them in messages.
Matrix parse_npy(std::string_view bytes, const std::string& source);

// `samples` (dim x n) as a format 1.0 file of an (n, dim) <f8 array in C order.
std::string samples_to_npy(ConstMatrixRef samples);

}  // namespace liouville::io
