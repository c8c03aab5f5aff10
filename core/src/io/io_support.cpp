#include "io_support.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "liouville/core/errors.hpp"

namespace liouville::io {

std::string excerpt(std::string_view text) {
  constexpr std::size_t kLongest = 40;
  std::string out = "'";
  for (const char c : text.substr(0, kLongest)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      out += escaped;
    }
  }
  out += text.size() > kLongest ? "'..." : "'";
  return out;
}

std::ifstream open_for_reading(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    throw DataError("cannot read '" + path.string() + "': it is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot open '" + path.string() + "': " + std::strerror(errno));
  return in;
}

}  // namespace liouville::io
