#include <cstring>
#include <limits>
#include <memory>

#include "io_support.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/io/npy.hpp"
#include "npy_header.hpp"

namespace liouville::io {
namespace {

// The bytes of a file or of a buffer, read at offsets that lie inside them.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  virtual void read(std::uint64_t offset, std::size_t count, char* out) = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size(); }
  void read(std::uint64_t offset, std::size_t count, char* out) override {
    if (count > 0) std::memcpy(out, bytes_.data() + offset, count);
  }

 private:
  std::string_view bytes_;
};

class FileSource final : public ByteSource {
 public:
  explicit FileSource(const std::filesystem::path& path) : path_(path), in_(open_for_reading(path)) {
    std::error_code error;
    size_ = std::filesystem::file_size(path, error);
    if (error) throw DataError("cannot read '" + path.string() + "': " + error.message());
  }
  std::uint64_t size() const override { return size_; }
  void read(std::uint64_t offset, std::size_t count, char* out) override {
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(out, static_cast<std::streamsize>(count));
    if (!in_) throw DataError("cannot read '" + path_.string() + "': a read failed or the file shrank");
  }

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  std::uint64_t size_ = 0;
};

// One element in the file's byte order, as a double.
double decode(const unsigned char* bytes, const NpyDtype& dtype) {
  std::uint64_t bits = 0;
  for (int k = 0; k < dtype.size; ++k)
    bits |= static_cast<std::uint64_t>(bytes[k]) << (8 * (dtype.big_endian ? dtype.size - 1 - k : k));
  if (dtype.kind == 'i')
    return dtype.size == 8 ? static_cast<double>(static_cast<std::int64_t>(bits))
                           : static_cast<double>(static_cast<std::int32_t>(static_cast<std::uint32_t>(bits)));
  if (dtype.size == 8) {
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  const auto narrow = static_cast<std::uint32_t>(bits);
  float value;
  std::memcpy(&value, &narrow, sizeof value);
  return value;
}

class NpyDecoder {
 public:
  NpyDecoder(ByteSource& source, const std::string& name) : source_(source), name_(name) {}

  Matrix decode_file() {
    const std::uint64_t file_size = source_.size();
    char preamble[12] = {};
    source_.read(0, std::min<std::uint64_t>(file_size, kNpyMagic.size()), preamble);
    if (std::string_view(preamble, kNpyMagic.size()) != kNpyMagic)
      fail("magic",
           "expected the bytes \\x93NUMPY, found " +
               (file_size == 0 ? std::string("an empty file")
                               : excerpt(std::string_view(preamble, std::min<std::uint64_t>(file_size, 6)))));
    if (file_size < 8) fail("version", "the file ends after the magic string");
    source_.read(6, 2, preamble + 6);
    const int major = static_cast<unsigned char>(preamble[6]), minor = static_cast<unsigned char>(preamble[7]);
    if (major < 1 || major > 3 || minor != 0)
      fail("version", "expected 1.0, 2.0 or 3.0, found " + std::to_string(major) + "." + std::to_string(minor));
    // Format 1.0 stores the header length in 2 bytes, 2.0 and 3.0 in 4 (little-endian).
    const std::uint64_t length_bytes = major == 1 ? 2 : 4, data_start_min = 8 + length_bytes;
    if (file_size < data_start_min) fail("header_len", "the file ends inside it, after " + bytes(file_size));
    source_.read(8, length_bytes, preamble + 8);
    std::uint64_t header_length = 0;
    for (std::uint64_t k = 0; k < length_bytes; ++k)
      header_length |= static_cast<std::uint64_t>(static_cast<unsigned char>(preamble[8 + k])) << (8 * k);
    if (header_length > file_size - data_start_min)
      fail("header_len",
           bytes(header_length) + " of header, but only " + bytes(file_size - data_start_min) + " follow it");
    std::string header_text(header_length, '\0');
    source_.read(data_start_min, header_length, header_text.data());
    const NpyHeader header = parse_npy_header(header_text, name_);
    return decode_data(header, data_start_min + header_length, file_size);
  }

 private:
  // Checks the size the shape implies against the bytes left, then converts them.
  Matrix decode_data(const NpyHeader& header, std::uint64_t data_start, std::uint64_t file_size) {
    const std::uint64_t n = header.shape[0], d = header.shape.size() == 2 ? header.shape[1] : 1;
    const auto item = static_cast<std::uint64_t>(header.dtype.size);
    const std::uint64_t largest = std::numeric_limits<std::uint64_t>::max();
    const std::string what = shape_text(header.shape) + " of " + header.descr;
    if (d > largest / n || n * d > largest / item)
      fail("shape", what + " is too large: its size in bytes overflows");
    const std::uint64_t count = n * d, available = file_size - data_start;
    if (count * item != available)
      fail("shape", what + " needs " + bytes(count * item) + " of data, but the file has " + bytes(available) +
                        " after its header" + (count * item > available ? " (a truncated file?)" : ""));

    Matrix samples(static_cast<Index>(d), static_cast<Index>(n));
    constexpr std::uint64_t kChunk = 8192;  // elements converted per read
    std::vector<unsigned char> buffer(std::min(count, kChunk) * item);
    for (std::uint64_t first = 0; first < count; first += kChunk) {
      const std::uint64_t length = std::min(kChunk, count - first);
      source_.read(data_start + first * item, length * item, reinterpret_cast<char*>(buffer.data()));
      for (std::uint64_t k = 0; k < length; ++k) {
        const double value = decode(buffer.data() + k * item, header.dtype);
        const std::uint64_t at = first + k;
        // C order lists sample by sample (our column-major dim x n); Fortran order feature by feature.
        if (header.fortran_order)
          samples(static_cast<Index>(at / n), static_cast<Index>(at % n)) = value;
        else
          samples.data()[at] = value;
      }
    }
    return samples;
  }

  static std::string bytes(std::uint64_t count) {
    return std::to_string(count) + (count == 1 ? " byte" : " bytes");
  }

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw DataError(name_ + ": " + field + ": " + message);
  }

  ByteSource& source_;
  const std::string& name_;
};

}  // namespace

Matrix read_npy(const std::filesystem::path& path) {
  FileSource source(path);
  return NpyDecoder(source, path.string()).decode_file();
}

Matrix parse_npy(std::string_view bytes, const std::string& source) {
  MemorySource memory(bytes);
  return NpyDecoder(memory, source).decode_file();
}

}  // namespace liouville::io
