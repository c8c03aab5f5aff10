// A look at a plugin file before dlopen() sees it: glibc maps the segments an
// ELF header promises without checking the file holds them, so a truncated
// library would crash the host (SIGBUS) instead of failing to load.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace liouville {

// Why `path` is not a complete shared library for this machine, or nothing.
std::optional<std::string> elf_problem(const std::filesystem::path& path);

}  // namespace liouville
