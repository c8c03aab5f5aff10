// The common part of the synthetic data sets: a generator that draws any number
// of independent points, and a training set of `n` such draws.
#pragma once

#include <liouville/plugin.hpp>
#include <string>

namespace liouville {

class GeneratorDataset : public Dataset {
 public:
  static void declare_size(Schema& schema, long default_n) {
    schema.integer("n").default_value(default_n).min(1).doc("Number of training samples.");
  }

  Index dim() const override { return dim_; }

  Matrix training_data(Rng& rng) const override { return sample(n_, rng); }

  bool can_sample() const override { return true; }

  Matrix sample(Index n, Rng& rng) const override {
    if (n < 0) throw DataError(path_ + ": cannot draw " + std::to_string(n) + " samples");
    Matrix x(dim_, n);
    generate(x, rng);
    return x;
  }

  bool has_log_density() const override { return false; }

  void log_density(ConstMatrixRef, VectorRef) const override {
    throw NotSupported(path_ + ": this data set has no analytic log-density");
  }

 protected:
  GeneratorDataset(const Params& params, Index dim) : path_(params.path()), n_(params.get_int("n")), dim_(dim) {}

  // Fills every column of x (dim x m) with an independent draw.
  virtual void generate(MatrixRef x, Rng& rng) const = 0;

  // For subclasses with a density: x must be dim x m and log_p of size m.
  void check_density_batch(ConstMatrixRef x, VectorRef log_p) const {
    if (x.rows() != dim_ || log_p.size() != x.cols())
      throw DataError(path_ + ": log_density of a " + std::to_string(x.rows()) + " x " + std::to_string(x.cols()) +
                      " batch into " + std::to_string(log_p.size()) + " values; the data dimension is " +
                      std::to_string(dim_));
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  Index n_;
  Index dim_;
};

}  // namespace liouville
