#include "elf_check.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <vector>

namespace liouville {

namespace {

#if defined(__x86_64__)
constexpr int kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr int kHostMachine = EM_AARCH64;
#else
constexpr int kHostMachine = EM_NONE;  // not checked
#endif

std::string truncated(const std::string& what, std::uint64_t end, std::uint64_t size) {
  return "the file is truncated: " + what + " ends at byte " + std::to_string(end) + " but the file has " +
         std::to_string(size) + " bytes; rebuild or reinstall the plugin";
}

}  // namespace

std::optional<std::string> elf_problem(const std::filesystem::path& path) {
  static_assert(sizeof(void*) == 8, "the ELF check reads 64-bit headers");
  std::ifstream file(path, std::ios::binary);
  if (!file) return "the file cannot be opened for reading";
  const std::uint64_t size = std::filesystem::file_size(path);

  Elf64_Ehdr header{};
  file.read(reinterpret_cast<char*>(&header), sizeof(header));
  if (size < SELFMAG || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
    return std::string("not a shared library: the file does not start with the ELF magic bytes");
  if (size < sizeof(header)) return truncated("the ELF header", sizeof(header), size);
  if (header.e_ident[EI_CLASS] != ELFCLASS64)
    return std::string("not a 64-bit library: it was built for another architecture");
  if (header.e_type != ET_DYN) return std::string("not a shared library: it is an ELF file of another type");
  if (kHostMachine != EM_NONE && header.e_machine != kHostMachine)
    return "built for another processor (ELF machine " + std::to_string(header.e_machine) + ", this machine is " +
           std::to_string(kHostMachine) + ")";
  if (header.e_phentsize != sizeof(Elf64_Phdr))
    return std::string("not a valid shared library: unexpected program header size");

  const std::uint64_t headers_end = header.e_phoff + std::uint64_t{header.e_phnum} * sizeof(Elf64_Phdr);
  if (headers_end > size) return truncated("the program header table", headers_end, size);
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  file.seekg(static_cast<std::streamoff>(header.e_phoff));
  if (!file.read(reinterpret_cast<char*>(segments.data()),
                 static_cast<std::streamsize>(segments.size() * sizeof(Elf64_Phdr))))
    return std::string("the program header table cannot be read");
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::uint64_t end = segments[i].p_offset + segments[i].p_filesz;
    if (end > size) return truncated("segment " + std::to_string(i), end, size);
  }
  if (header.e_shoff != 0) {
    const std::uint64_t sections_end = header.e_shoff + std::uint64_t{header.e_shnum} * header.e_shentsize;
    if (sections_end > size) return truncated("the section header table", sections_end, size);
  }
  return std::nullopt;
}

}  // namespace liouville
