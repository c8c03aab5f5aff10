// What the CSV and NPY readers share: quoting file content in messages and
// opening a file for reading with a clear error.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace liouville::io {

// 'text' for a message: at most 40 bytes, with bytes outside printable ASCII as \xNN.
std::string excerpt(std::string_view text);

// Opens `path` in binary mode; a missing file, a folder or an unreadable file throws DataError.
std::ifstream open_for_reading(const std::filesystem::path& path);

}  // namespace liouville::io
