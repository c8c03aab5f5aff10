// Crash-safe file writes: the bytes go to a temporary file in the same folder,
// which is fsync'ed and renamed over the target, then the folder is fsync'ed.
// A run killed at any instant leaves either the old file or the new one.
#pragma once

#include <filesystem>
#include <string_view>

namespace liouville::host {

// Throws liouville::Error naming the path and the system error.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace liouville::host
