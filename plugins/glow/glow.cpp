// glow: the flow of Glow (Kingma and Dhariwal 2018, sec. 3) for vector data,
// K steps of
//
//   actnorm -> conv1x1 -> affine_coupling,
//
// each built through the registry at "<path>.steps[k].<layer>" and composed
// with liouville::Chain, so logdet is the sum of the 3 K layer log-determinants.
// `memory` is the chain's memory mode (store or recompute, see chain.hpp).
// The coupling's `flip` alternates between steps, so every dimension is
// transformed even when the learned 1x1 maps stay near a permutation.
// Glow's multiscale architecture (squeeze and split, sec. 3.4) needs spatial
// data: only `levels: 1` is accepted.
#include <liouville/plugin.hpp>
#include <memory>
#include <string>
#include <vector>

#include "liouville/core/chain.hpp"

namespace liouville {

class Glow final : public Bijection {
 public:
  static constexpr std::string_view kName = "glow";
  static constexpr std::string_view kSummary =
      "Glow (Kingma and Dhariwal 2018): K steps of actnorm, invertible 1x1 map and affine coupling.";

  static void declare(Schema& schema) {
    schema.integer("steps").default_value(10).min(1).doc("Number K of flow steps.");
    schema.integer_list("hidden")
        .default_value(std::vector<long>{16})
        .min(1)
        .min_size(1)
        .doc("Hidden layer widths of each coupling's conditioner.");
    // The same choices as affine_coupling's, which checks them again.
    schema.choice("activation", {"tanh", "relu", "softplus"})
        .default_value("relu")
        .doc("Conditioner hidden activation.");
    schema.choice("scale", {"exp", "exp_tanh", "sigmoid"})
        .default_value("sigmoid")
        .doc("Coupling scale map: exp(r), exp(tanh(r)) or sigmoid(r + 2) (Glow).");
    schema.integer("levels").default_value(1).min(1).doc(
        "Multiscale levels; only 1 (squeeze and split need spatial data).");
    schema.choice("memory", {"store", "recompute"})
        .default_value("store")
        .doc("Reverse pass: store every layer's input, or recompute it with the layer's inverse (see Chain).");
  }

  Glow(const Params& params, BuildContext& context)
      : chain_(build_steps(params, context),
               parse_chain_memory(params.get_string("memory"), params.path() + ".memory")) {}

  Index dim() const override { return chain_.dim(); }

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override {
    chain_.forward(x, z, logdet, noise, tape);
  }

  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const override {
    chain_.inverse(z, x, logdet, noise);
  }

  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override {
    chain_.backward(tape, x, z, z_bar, logdet_bar, x_bar, theta_bar);
  }

 private:
  static std::vector<std::shared_ptr<Bijection>> build_steps(const Params& params, BuildContext& context) {
    const long levels = params.get_int("levels");
    if (levels != 1)
      throw ConfigError(params.path() + ".levels: " + std::to_string(levels) +
                        " levels requested, but Glow's multiscale squeeze/split needs spatial data, which "
                        "Liouville does not have yet; use levels: 1 for vector data");
    const long steps = params.get_int("steps");
    if (steps < 1) throw ConfigError(params.path() + ".steps: must be >= 1, got " + std::to_string(steps));
    std::vector<std::shared_ptr<Bijection>> layers;
    for (long k = 0; k < steps; ++k) {
      const std::string step = params.path() + ".steps[" + std::to_string(k) + "]";
      Params actnorm(step + ".actnorm", "actnorm");
      actnorm.set("data_init", Value{true});
      Params coupling(step + ".affine_coupling", "affine_coupling");
      coupling.set("hidden", params.get("hidden"));
      coupling.set("activation", params.get("activation"));
      coupling.set("scale", params.get("scale"));
      coupling.set("mask", Value{std::string("half")});
      coupling.set("flip", Value{k % 2 == 1});
      Params layer_params(step, "");
      layer_params.set_child("actnorm", std::move(actnorm));
      layer_params.set_child("conv1x1", Params(step + ".conv1x1", "conv1x1"));
      layer_params.set_child("affine_coupling", std::move(coupling));
      for (const char* layer : {"actnorm", "conv1x1", "affine_coupling"})
        layers.push_back(context.create<Bijection>(layer_params, layer));
    }
    return layers;
  }

  Chain chain_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Bijection, liouville::Glow)
