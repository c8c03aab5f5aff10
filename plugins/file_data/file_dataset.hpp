// A data set read from files, one row per sample: the training rows of `path`
// and, when `test_path` is set, held-out rows for evaluation. Relative paths are
// relative to the working directory (the registry keeps `path` values as written).
//
// `sample(n)` draws n distinct held-out rows at random (all of them, shuffled,
// when n equals their count), so `liouville eval` reports the NLL on the test
// file; asking for more rows than it holds is a DataError. Without `test_path`
// the data set cannot sample, and evaluation falls back to the training rows.
#pragma once

#include <filesystem>
#include <functional>
#include <liouville/plugin.hpp>
#include <string>

namespace liouville {

class FileDataset : public Dataset {
 public:
  // Reads one file into a dim x n matrix (throws DataError naming the file).
  using Reader = std::function<Matrix(const std::filesystem::path&)>;

  // The keys every file data set has: `path` and `test_path`.
  static void declare_paths(Schema& schema, const std::string& format);

  FileDataset(const Params& params, const Reader& read);

  Index dim() const override { return train_.rows(); }
  Matrix training_data(Rng& rng) const override;
  bool can_sample() const override { return test_.cols() > 0; }
  Matrix sample(Index n, Rng& rng) const override;
  bool has_log_density() const override { return false; }
  void log_density(ConstMatrixRef x, VectorRef log_p) const override;

 private:
  std::string path_;
  std::filesystem::path test_file_;
  Matrix train_;
  Matrix test_;  // empty without test_path
};

}  // namespace liouville
