#include <cstring>

#include "liouville/core/io/npy.hpp"
#include "npy_header.hpp"

namespace liouville::io {
namespace {

void append_little_endian(std::string& out, std::uint64_t bits, int size) {
  for (int k = 0; k < size; ++k) out += static_cast<char>((bits >> (8 * k)) & 0xFF);
}

}  // namespace

std::string samples_to_npy(ConstMatrixRef samples) {
  const std::vector<std::uint64_t> shape = {static_cast<std::uint64_t>(samples.cols()),
                                            static_cast<std::uint64_t>(samples.rows())};
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  // Like numpy: spaces and a final newline pad the preamble (magic, version,
  // 2-byte length, header) to a multiple of 64 bytes, so the data is aligned.
  constexpr std::size_t kAlignment = 64, kPreamble = kNpyMagic.size() + 2 + 2;
  header.append((kAlignment - (kPreamble + header.size() + 1) % kAlignment) % kAlignment, ' ');
  header += '\n';

  std::string out(kNpyMagic);
  out += '\x01';
  out += '\x00';
  append_little_endian(out, header.size(), 2);
  out += header;
  out.reserve(out.size() + static_cast<std::size_t>(samples.size()) * sizeof(double));
  for (Index j = 0; j < samples.cols(); ++j)
    for (Index i = 0; i < samples.rows(); ++i) {
      std::uint64_t bits;
      const double value = samples(i, j);
      std::memcpy(&bits, &value, sizeof bits);
      append_little_endian(out, bits, 8);
    }
  return out;
}

}  // namespace liouville::io
