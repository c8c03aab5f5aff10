#include "file_dataset.hpp"

#include <numeric>
#include <vector>

namespace liouville {

void FileDataset::declare_paths(Schema& schema, const std::string& format) {
  schema.path("path").required().doc("The " + format + " file of training samples, one row per sample.");
  schema.path("test_path")
      .doc("A " + format + " file of held-out samples for evaluation (eval.n must not exceed its rows).");
}

FileDataset::FileDataset(const Params& params, const Reader& read)
    : path_(params.path()), train_(read(params.get_path("path"))) {
  if (!params.has("test_path")) return;
  test_file_ = params.get_path("test_path");
  test_ = read(test_file_);
  if (test_.rows() != train_.rows())
    throw DataError(path_ + ": the samples of test_path '" + test_file_.string() + "' have dimension " +
                    std::to_string(test_.rows()) + ", those of path '" + params.get_path("path").string() + "' " +
                    std::to_string(train_.rows()));
}

Matrix FileDataset::training_data(Rng&) const { return train_; }

Matrix FileDataset::sample(Index n, Rng& rng) const {
  if (!can_sample())
    throw NotSupported(path_ + ": without test_path there are no held-out rows to draw samples from");
  if (n < 0) throw DataError(path_ + ": cannot draw " + std::to_string(n) + " samples");
  const Index rows = test_.cols();
  if (n > rows)
    throw DataError(path_ + ": cannot draw " + std::to_string(n) + " distinct held-out rows from '" +
                    test_file_.string() + "', which has " + std::to_string(rows) + " (ask for at most " +
                    std::to_string(rows) + ", e.g. eval.n: " + std::to_string(rows) + ")");
  // The first n entries of a random permutation (Fisher-Yates), drawn without replacement.
  std::vector<Index> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), Index{0});
  Matrix drawn(dim(), n);
  for (Index k = 0; k < n; ++k) {
    const Index pick = std::min(rows - 1, k + static_cast<Index>(rng.uniform() * static_cast<double>(rows - k)));
    std::swap(order[static_cast<std::size_t>(k)], order[static_cast<std::size_t>(pick)]);
    drawn.col(k) = test_.col(order[static_cast<std::size_t>(k)]);
  }
  return drawn;
}

void FileDataset::log_density(ConstMatrixRef, VectorRef) const {
  throw NotSupported(path_ + ": a data set read from a file has no analytic log-density");
}

}  // namespace liouville
