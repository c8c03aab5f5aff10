// The libFuzzer entry point. CMake builds it once per reader of fuzz_readers.hpp,
// naming the reader in LIOUVILLE_FUZZ_READER (fuzz_csv: read_csv_input, ...).
#include <cstddef>
#include <cstdint>

#include "fuzz_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  liouville::fuzz::LIOUVILLE_FUZZ_READER({reinterpret_cast<const char*>(data), size});
  return 0;
}
