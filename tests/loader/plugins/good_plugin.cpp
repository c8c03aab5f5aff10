// A minimal working plugin for the loader and config tests: a scaled normal
// distribution, a mixture that composes distributions through the registry, and
// a dataset with a parameter of every kind.
#include <cmath>
#include <liouville/plugin.hpp>
#include <numbers>

namespace liouville::testing {

// N(shift, scale^2 I).
class Gaussian final : public Distribution {
 public:
  static constexpr std::string_view kName = "test/gaussian";
  static constexpr std::string_view kSummary = "Isotropic normal distribution (test plugin).";

  static void declare(Schema& schema) {
    schema.real("scale").default_value(Value{1.0}).greater_than(0).doc("Standard deviation.");
    schema.real("shift").default_value(Value{0.0}).doc("Mean of every coordinate.");
  }

  Gaussian(const Params& params, BuildContext& context)
      : dim_(context.dim()), scale_(params.get_real("scale")), shift_(params.get_real("shift")) {}

  Index dim() const override { return dim_; }

  void log_density(ConstMatrixRef z, VectorRef log_p) const override {
    const Scalar normalizer = -0.5 * static_cast<Scalar>(dim_) * std::log(2 * std::numbers::pi * scale_ * scale_);
    log_p = ((z.array() - shift_) / scale_).square().colwise().sum().transpose() * -0.5 + normalizer;
  }

  void log_density_gradient(ConstMatrixRef z, MatrixRef gradient) const override {
    gradient = (z.array() - shift_) / -(scale_ * scale_);
  }

  void sample(Rng& rng, MatrixRef z) const override {
    rng.fill_normal(z);
    z = (z.array() * scale_ + shift_).matrix();
  }

 private:
  Index dim_;
  Scalar scale_;
  Scalar shift_;
};
LIOUVILLE_REGISTER(Distribution, Gaussian)

// The first of its parts (enough to test composition through the registry).
class First final : public Distribution {
 public:
  static constexpr std::string_view kName = "test/first";
  static constexpr std::string_view kSummary = "The first of a list of distributions (test plugin).";

  static void declare(Schema& schema) {
    schema.component_list("parts", Distribution::kInterface).required().min_size(1).doc("Distributions.");
  }

  First(const Params& params, BuildContext& context)
      : parts_(context.create_list<Distribution>(params, "parts")) {}

  Index dim() const override { return parts_.front()->dim(); }
  void log_density(ConstMatrixRef z, VectorRef log_p) const override { parts_.front()->log_density(z, log_p); }
  void log_density_gradient(ConstMatrixRef z, MatrixRef gradient) const override {
    parts_.front()->log_density_gradient(z, gradient);
  }
  void sample(Rng& rng, MatrixRef z) const override { parts_.front()->sample(rng, z); }

 private:
  std::vector<std::shared_ptr<Distribution>> parts_;
};
LIOUVILLE_REGISTER(Distribution, First)

// Draws from its `source` distribution; declares one parameter of every kind.
class Points final : public Dataset {
 public:
  static constexpr std::string_view kName = "test/points";
  static constexpr std::string_view kSummary = "Points drawn from a distribution (test plugin).";

  static void declare(Schema& schema) {
    schema.integer("n").default_value(100).min(1).doc("Number of training points.");
    schema.boolean("shuffle").default_value(Value{true}).doc("Shuffle the points.");
    schema.string("label").default_value("points").doc("A name.");
    schema.path("file").doc("An optional file.");
    schema.choice("layout", {"columns", "rows"}).default_value("columns").doc("Storage order.");
    schema.integer_list("hidden").default_value(Value{std::vector<long>{8}}).min(1).doc("Widths.");
    schema.real_list("tspan")
        .default_value(Value{std::vector<double>{0, 1}})
        .min_size(2)
        .max_size(2)
        .doc("Times.");
    schema.string_list("tags").default_value(Value{std::vector<std::string>{}}).doc("Tags.");
    schema.component("source", Distribution::kInterface)
        .default_value("test/gaussian")
        .doc("Where points come from.");
    schema.check([](const Params& params) -> std::optional<std::string> {
      const auto& tspan = params.get_real_list("tspan");
      if (tspan[0] == tspan[1]) return "tspan must not be empty (t0 == t1)";
      return std::nullopt;
    });
  }

  Points(const Params& params, BuildContext& context)
      : n_(params.get_int("n")), source_(context.create<Distribution>(params, "source")) {}

  Index dim() const override { return source_->dim(); }
  Matrix training_data(Rng& rng) const override { return sample(n_, rng); }
  bool can_sample() const override { return true; }
  Matrix sample(Index n, Rng& rng) const override {
    Matrix points(dim(), n);
    source_->sample(rng, points);
    return points;
  }
  bool has_log_density() const override { return true; }
  void log_density(ConstMatrixRef x, VectorRef log_p) const override { source_->log_density(x, log_p); }

 private:
  Index n_;
  std::shared_ptr<Distribution> source_;
};
LIOUVILLE_REGISTER(Dataset, Points)

}  // namespace liouville::testing
