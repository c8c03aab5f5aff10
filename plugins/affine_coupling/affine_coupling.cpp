// affine_coupling: the affine coupling layer of Real NVP (Dinh et al. 2017) and
// Glow (Kingma and Dhariwal 2018). The dimensions split into a conditioning part
// a and a transformed part b:
//
//   z_a = x_a,   z_b = x_b .* exp(log_scale(r)) + t,   [r; t] = NN(x_a),
//   logdet = sum_i log_scale(r)_i,
//
// inverted exactly by x_b = (z_b - t) .* exp(-log_scale(r)) with [r; t] = NN(z_a).
// The split is over channels (`shape`, liouville/core/image_shape.hpp; on vector
// data every dimension is a channel): `mask: half` conditions on the first
// ceil(C/2) channels, `alternating` on the even ones; `flip` swaps a and b. NN is
// conditioner_network.hpp: on images Glow's conv3x3 -> conv1x1 -> conv3x3, on
// vectors a fully connected network. Its output layer starts at zero (Glow), so
// the layer starts at the identity (exp, exp_tanh) or at a uniform scale
// sigmoid(2) (sigmoid). forward given a tape keeps the network's pass at x for
// backward; without one, backward recomputes it from x.
#include <liouville/plugin.hpp>
#include <memory>
#include <string>
#include <vector>

#include "conditioner_network.hpp"
#include "liouville/core/batch_shapes.hpp"
#include "liouville/registry/image_shape_schema.hpp"
#include "scale_map.hpp"

namespace liouville::coupling {

class AffineCoupling final : public Bijection {
 public:
  static constexpr std::string_view kName = "affine_coupling";
  static constexpr std::string_view kSummary =
      "Affine coupling over channels with an MLP or, on images, a convolutional conditioner (Real NVP / Glow); "
      "scale map exp, exp(tanh) or sigmoid.";

  static void declare(Schema& schema) {
    schema.integer_list("hidden").required().min(1).min_size(1).doc(
        "Hidden layer widths (channels on images) of the conditioner.");
    schema.choice("activation", activation_names()).default_value("relu").doc("Conditioner hidden activation.");
    schema.choice("mask", {"half", "alternating"})
        .default_value("half")
        .doc("Conditioning channels: the first ceil(C/2), or the even-numbered ones.");
    schema.boolean("flip").default_value(false).doc("Swap the conditioning and the transformed channels.");
    schema.choice("scale", scale_map_names())
        .default_value("sigmoid")
        .doc("Scale map of the raw output r: exp(r), exp(tanh(r)) or sigmoid(r + 2) (Glow).");
    declare_image_shape(schema);
  }

  AffineCoupling(const Params& params, BuildContext& context)
      : path_(params.path()),
        dim_(context.dim()),
        shape_(read_image_shape(params, dim_)),
        scale_(parse_scale_map(params.get_string("scale"), path_ + ".scale")),
        split_(split_channels(params, shape_)),
        network_(path_ + ".conditioner", network_widths(params, split_), shape_.height, shape_.width,
                 parse_activation(params.get_string("activation"), path_ + ".activation"), context.parameters(),
                 context.init_rng()) {}

  Index dim() const override { return dim_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>* tape) const override {
    check_shapes("forward", x, z, logdet);
    std::unique_ptr<Conditioned> c = condition(x, tape != nullptr);
    z = x;
    z(split_.b, Eigen::all) = x(split_.b, Eigen::all).array() * c->log_scale.array().exp() + c->shift.array();
    logdet = c->log_scale.colwise().sum().transpose();
    if (tape != nullptr) *tape = std::move(c);
  }

  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const override {
    check_shapes("inverse", z, x, logdet);
    const std::unique_ptr<Conditioned> c = condition(z, false);
    x = z;
    x(split_.b, Eigen::all) = (z(split_.b, Eigen::all).array() - c->shift.array()) * (-c->log_scale.array()).exp();
    logdet = -c->log_scale.colwise().sum().transpose();
  }

  // With S = exp(log_scale): x_bar_b = z_bar_b .* S,
  // r_bar = (z_bar_b .* x_b .* S + logdet_bar) .* log_scale'(r), t_bar = z_bar_b,
  // x_bar_a = z_bar_a + NN^T [r_bar; t_bar].
  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override {
    check_shapes("backward", x, x_bar, logdet_bar);
    std::unique_ptr<Conditioned> recomputed;
    const auto* kept = dynamic_cast<const Conditioned*>(tape);
    if (kept == nullptr) recomputed = condition(x, true);
    if (kept != nullptr && kept->log_scale.cols() != x.cols())
      throw DataError(path_ + ": affine_coupling backward of a batch of " + std::to_string(x.cols()) +
                      " with the tape of a batch of " + std::to_string(kept->log_scale.cols()));
    const Conditioned& c = recomputed ? *recomputed : *kept;
    const Matrix zb_bar = z_bar(split_.b, Eigen::all);
    const Matrix scale = c.log_scale.array().exp();
    const Index nb = static_cast<Index>(split_.b.size());
    Matrix output_bar(2 * nb, x.cols());
    output_bar.topRows(nb) = ((zb_bar.array() * x(split_.b, Eigen::all).array() * scale.array()).rowwise() +
                              logdet_bar.transpose().array()) *
                             c.slope.array();
    output_bar.bottomRows(nb) = zb_bar;
    Matrix input_bar(c.input.rows(), c.input.cols());
    network_.backward(c.input, c.outputs, to_pixel_columns(output_bar, output_shape()), input_bar, theta_bar);
    Matrix xa_bar(static_cast<Index>(split_.a.size()), x.cols());
    from_pixel_columns(input_bar, input_shape(), xa_bar);
    x_bar(split_.b, Eigen::all) = zb_bar.array() * scale.array();
    x_bar(split_.a, Eigen::all) = z_bar(split_.a, Eigen::all) + xa_bar;
  }

 private:
  struct Split {
    Index a_channels = 0;
    Index b_channels = 0;
    std::vector<Index> a;  // rows of the conditioning channels
    std::vector<Index> b;  // rows of the transformed channels
  };

  static Split split_channels(const Params& params, const ImageShape& shape) {
    const Index channels = shape.channels;
    if (channels < 2)
      throw ConfigError(
          params.path() + ": affine_coupling needs at least 2 channels (nothing to couple in " +
          (shape.pixels() == 1 ? "dimension " + std::to_string(channels) : "shape " + shape.to_string()) + ")");
    const std::string& mask = params.get_string("mask");
    if (mask != "half" && mask != "alternating")
      throw ConfigError(params.path() + ".mask: unknown value '" + mask + "' (one of half, alternating)");
    const bool flip = params.get_bool("flip");
    Split split;
    for (Index c = 0; c < channels; ++c) {
      const bool conditioning = mask == "half" ? c < (channels + 1) / 2 : c % 2 == 0;
      ++(conditioning != flip ? split.a_channels : split.b_channels);
      for (Index p = 0; p < shape.pixels(); ++p)
        (conditioning != flip ? split.a : split.b).push_back(c * shape.pixels() + p);
    }
    return split;
  }

  // |a| -> hidden... -> 2 |b| channels (raw scales r, then shifts t).
  static std::vector<Index> network_widths(const Params& params, const Split& split) {
    std::vector<Index> widths{split.a_channels};
    for (long width : params.get_int_list("hidden")) {
      if (width < 1)
        throw ConfigError(params.path() + ".hidden: a layer width must be >= 1, got " + std::to_string(width));
      widths.push_back(width);
    }
    widths.push_back(2 * split.b_channels);
    return widths;
  }

  ImageShape input_shape() const { return {split_.a_channels, shape_.height, shape_.width}; }
  ImageShape output_shape() const { return {2 * split_.b_channels, shape_.height, shape_.width}; }

  // The conditioner's pass on the a-part of `in` (in pixel columns), with the
  // scale map's slope when backward needs it; forward's tape.
  struct Conditioned final : Tape {
    Matrix input;
    std::vector<Matrix> outputs;
    Matrix log_scale;
    Matrix shift;
    Matrix slope;
  };

  std::unique_ptr<Conditioned> condition(ConstMatrixRef in, bool with_slope) const {
    auto c = std::make_unique<Conditioned>();
    c->input = to_pixel_columns(in(split_.a, Eigen::all), input_shape());
    network_.forward(c->input, c->outputs);
    const Index nb = static_cast<Index>(split_.b.size());
    Matrix raw(2 * nb, in.cols());
    from_pixel_columns(c->outputs.back(), output_shape(), raw);
    log_scale(scale_, raw.topRows(nb), c->log_scale, with_slope ? &c->slope : nullptr);
    c->shift = raw.bottomRows(nb);
    return c;
  }

  void check_shapes(const char* method, ConstMatrixRef in, ConstMatrixRef out, ConstVectorRef logdet) const {
    check_batch_shapes(path_ + ": affine_coupling", method, dim_, in, out, logdet);
  }

  std::string path_;
  Index dim_;
  ImageShape shape_;
  ScaleMap scale_;
  Split split_;
  ConditionerNetwork network_;
};

}  // namespace liouville::coupling

LIOUVILLE_REGISTER(liouville::Bijection, liouville::coupling::AffineCoupling)
