// `npy`: samples from NPY files (liouville/core/io/npy.hpp), one row per sample.
#include <liouville/core/io/npy.hpp>

#include "file_dataset.hpp"

namespace liouville {

class NpyDataset final : public FileDataset {
 public:
  static constexpr std::string_view kName = "npy";
  static constexpr std::string_view kSummary =
      "Samples read from NPY files: an (n, d) array is n samples of dimension d, (n,) of dimension 1.";

  static void declare(Schema& schema) { declare_paths(schema, "NPY"); }

  NpyDataset(const Params& params, BuildContext&)
      : FileDataset(params, [](const std::filesystem::path& file) { return io::read_npy(file); }) {}
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::NpyDataset)
