// `csv`: samples from CSV files (liouville/core/io/csv.hpp), one row per sample.
#include <liouville/core/io/csv.hpp>

#include "file_dataset.hpp"

namespace liouville {
namespace {

io::CsvHeader header_mode(const std::string& choice) {
  if (choice == "true") return io::CsvHeader::kPresent;
  if (choice == "false") return io::CsvHeader::kAbsent;
  return io::CsvHeader::kAuto;
}

}  // namespace

class CsvDataset final : public FileDataset {
 public:
  static constexpr std::string_view kName = "csv";
  static constexpr std::string_view kSummary = "Samples read from CSV files, one row per sample.";

  static void declare(Schema& schema) {
    declare_paths(schema, "CSV");
    schema.choice("header", {"auto", "true", "false"})
        .default_value("auto")
        .doc("Whether line 1 names the columns; auto: it does when none of its cells is a number.");
  }

  CsvDataset(const Params& params, BuildContext&)
      : FileDataset(params,
                    [options = io::CsvReadOptions{header_mode(params.get_string("header"))}](
                        const std::filesystem::path& file) { return io::read_csv(file, options).samples; }) {}
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::CsvDataset)
