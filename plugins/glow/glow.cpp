// glow: the flow of Glow (Kingma and Dhariwal 2018, sec. 3). A flow step is
//
//   actnorm -> conv1x1 -> affine_coupling,
//
// each layer built through the registry at "<path>.steps[k].<layer>"; the
// coupling's `flip` alternates between steps, so every channel is transformed
// even when the learned 1x1 maps stay near a permutation.
//
// Vector data (no `shape`): K steps, one level, no squeeze.
//
// Images (`shape: [C, H, W]`, channel-major columns, liouville/core/image_shape.hpp):
// the multiscale architecture (sec. 3.4; Real NVP, Dinh et al. 2017, sec. 3.6).
// Level l = 1..L is
//
//   squeeze (C, H, W) -> (4C, H/2, W/2),  K steps,  split (all levels but the last),
//
// and the split factors out the second half of the channels: they go straight
// to the output z (standard normal base), and level l + 1 continues on the first
// half, (2C, H/2, W/2). Channel-major columns make both halves contiguous rows,
// so level l acts on the top rows of the running column and leaves the rows
// below it in place. The output is therefore
//
//   z = [h_L; f_{L-1}; ...; f_1],
//
// h_L the last level's output and f_l the half factored out after level l, each
// channel-major in its level's squeezed shape. Layers of level l sit at
// "<path>.levels[l].steps[k].<layer>" (at "<path>.steps[k]" when L = 1).
// logdet is the sum of the layer log-determinants (squeeze and split add 0).
// `memory` is each level's chain memory mode (store or recompute, see chain.hpp).
#include <liouville/plugin.hpp>
#include <memory>
#include <string>
#include <vector>

#include "liouville/core/chain.hpp"
#include "liouville/registry/image_shape_schema.hpp"
#include "squeeze.hpp"

namespace liouville::glow {

class Glow final : public Bijection {
 public:
  static constexpr std::string_view kName = "glow";
  static constexpr std::string_view kSummary =
      "Glow (Kingma and Dhariwal 2018): K steps of actnorm, invertible 1x1 map and affine coupling, over L "
      "levels of squeeze and split on images.";

  static void declare(Schema& schema) {
    schema.integer("steps").default_value(10).min(1).doc("Number K of flow steps per level.");
    schema.integer_list("hidden")
        .default_value(std::vector<long>{16})
        .min(1)
        .min_size(1)
        .doc("Hidden layer widths (channels on images) of each coupling's conditioner.");
    // The same choices as affine_coupling's, which checks them again.
    schema.choice("activation", {"tanh", "relu", "softplus"})
        .default_value("relu")
        .doc("Conditioner hidden activation.");
    schema.choice("scale", {"exp", "exp_tanh", "sigmoid"})
        .default_value("sigmoid")
        .doc("Coupling scale map: exp(r), exp(tanh(r)) or sigmoid(r + 2) (Glow).");
    schema.integer("levels").default_value(1).min(1).doc(
        "Number L of multiscale levels (squeeze, K steps, split); more than 1 needs `shape`.");
    declare_image_shape(schema);
    schema.choice("memory", {"store", "recompute"})
        .default_value("store")
        .doc("Reverse pass: store every layer's input, or recompute it with the layer's inverse (see Chain).");
  }

  Glow(const Params& params, BuildContext& context)
      : dim_(context.dim()), levels_(build_levels(params, context)) {}

  Index dim() const override { return dim_; }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override {
    auto glow_tape = tape ? std::make_unique<GlowTape>() : nullptr;
    z = x;
    logdet.setZero();
    Vector level_logdet(x.cols());
    for (const auto& level : levels_) {
      Matrix input = z.topRows(level->dim());
      Matrix output(input.rows(), input.cols());
      std::unique_ptr<Tape> level_tape;
      level->forward(input, output, level_logdet, noise, glow_tape ? &level_tape : nullptr);
      z.topRows(level->dim()) = output;
      logdet += level_logdet;
      if (glow_tape) {
        glow_tape->inputs.push_back(std::move(input));
        glow_tape->tapes.push_back(std::move(level_tape));
      }
    }
    if (tape) *tape = std::move(glow_tape);
  }

  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const override {
    x = z;
    logdet.setZero();
    Vector level_logdet(z.cols());
    for (auto level = levels_.rbegin(); level != levels_.rend(); ++level) {
      const Matrix input = x.topRows((*level)->dim());
      Matrix output(input.rows(), input.cols());
      (*level)->inverse(input, output, level_logdet, noise);
      x.topRows((*level)->dim()) = output;
      logdet += level_logdet;
    }
  }

  // Level l's output is z's top rows with the next level's input on top of them.
  void backward(const Tape* tape, ConstMatrixRef, ConstMatrixRef z, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override {
    const auto* glow_tape = dynamic_cast<const GlowTape*>(tape);
    if (glow_tape == nullptr) throw Error("glow: backward needs the tape recorded by forward");
    Matrix bar = z_bar;
    for (std::size_t l = levels_.size(); l-- > 0;) {
      const Index rows = levels_[l]->dim();
      Matrix output = z.topRows(rows);
      if (l + 1 < levels_.size()) output.topRows(levels_[l + 1]->dim()) = glow_tape->inputs[l + 1];
      Matrix input_bar(rows, z.cols());
      levels_[l]->backward(glow_tape->tapes[l].get(), glow_tape->inputs[l], output, bar.topRows(rows), logdet_bar,
                           input_bar, theta_bar);
      bar.topRows(rows) = input_bar;
    }
    x_bar = bar;
  }

 private:
  struct GlowTape final : Tape {
    std::vector<Matrix> inputs;  // inputs[l] is the input of level l
    std::vector<std::unique_ptr<Tape>> tapes;
  };

  static std::vector<std::shared_ptr<Bijection>> build_levels(const Params& params, BuildContext& context) {
    const long levels = params.get_int("levels");
    const bool images = params.has("shape");
    if (levels < 1) throw ConfigError(params.path() + ".levels: must be >= 1, got " + std::to_string(levels));
    if (!images && levels != 1)
      throw ConfigError(params.path() + ".levels: " + std::to_string(levels) +
                        " levels need spatial data to squeeze and split: give `shape: [C, H, W]`, or use levels: "
                        "1 for vector data");
    ImageShape shape = read_image_shape(params, context.dim());
    const ChainMemory memory = parse_chain_memory(params.get_string("memory"), params.path() + ".memory");
    std::vector<std::shared_ptr<Bijection>> made;
    for (long l = 0; l < levels; ++l) {
      const std::string level = levels == 1 ? params.path() : params.path() + ".levels[" + std::to_string(l) + "]";
      std::unique_ptr<BuildContext> resized = l == 0 ? nullptr : context.with_dim(shape.size());
      BuildContext& level_context = resized ? *resized : context;
      std::vector<std::shared_ptr<Bijection>> layers;
      if (images) {
        const auto squeeze = std::make_shared<Squeeze>(level + ".squeeze", shape);
        shape = squeeze->output_shape();
        layers.push_back(squeeze);
      }
      for (long k = 0; k < params.get_int("steps"); ++k) {
        const std::string step = level + ".steps[" + std::to_string(k) + "]";
        Params coupling;
        coupling.set("hidden", params.get("hidden"));
        coupling.set("activation", params.get("activation"));
        coupling.set("scale", params.get("scale"));
        coupling.set("mask", Value{std::string("half")});
        coupling.set("flip", Value{k % 2 == 1});
        Params actnorm;
        actnorm.set("data_init", Value{true});
        layers.push_back(build_layer(step, "actnorm", actnorm, images ? shape : ImageShape{}, level_context));
        layers.push_back(build_layer(step, "conv1x1", {}, images ? shape : ImageShape{}, level_context));
        layers.push_back(
            build_layer(step, "affine_coupling", coupling, images ? shape : ImageShape{}, level_context));
      }
      made.push_back(std::make_shared<Chain>(std::move(layers), memory));
      shape.channels /= 2;  // split: the second half of the channels leaves for z
    }
    return made;
  }

  // The plugin `type` at "<parent>.<type>" with `values` and, on images (a shape
  // with channels), its `shape`.
  static std::shared_ptr<Bijection> build_layer(const std::string& parent, const std::string& type,
                                                const Params& values, const ImageShape& shape,
                                                BuildContext& context) {
    Params layer(parent + "." + type, type);
    for (const auto& [key, value] : values.values()) layer.set(key, value);
    if (shape.channels > 0)
      layer.set("shape", Value{std::vector<long>{shape.channels, shape.height, shape.width}});
    Params holder(parent, "");
    holder.set_child(type, std::move(layer));
    return context.create<Bijection>(holder, type);
  }

  Index dim_;
  std::vector<std::shared_ptr<Bijection>> levels_;
};

}  // namespace liouville::glow

LIOUVILLE_REGISTER(liouville::Bijection, liouville::glow::Glow)
