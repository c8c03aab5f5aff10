// The mlp plugin: its schema, its layers and their initialization.
#include "mlp.hpp"

#include <algorithm>
#include <cmath>

namespace liouville::mlp {
namespace {

enum class Init { kLux, kGlorotUniform };

// Lux's default Dense initialization: W ~ U(-a, a), a = gain sqrt(3 / fan_in)
// (kaiming_uniform, gain 5/3 for tanh and 1 otherwise), b ~ U(-1/sqrt(fan_in),
// 1/sqrt(fan_in)); or glorot_uniform: a = sqrt(6 / (fan_in + fan_out)), b = 0.
// The time input counts towards fan_in. `bias` may be null (a map without one).
void initialize_affine(const ParameterSlice& weight_slice, const ParameterSlice* bias, double gain, Init init,
                       Rng& rng) {
  auto weight = weight_slice.mutable_value();
  const double fan_in = static_cast<double>(weight.cols());
  const double fan_out = static_cast<double>(weight.rows());
  if (init == Init::kGlorotUniform) {
    const double a = std::sqrt(6.0 / (fan_in + fan_out));
    rng.fill_uniform(weight, -a, a);
    return;
  }
  const double a = gain * std::sqrt(3.0 / fan_in);
  rng.fill_uniform(weight, -a, a);
  const double b = 1.0 / std::sqrt(fan_in);
  if (bias) rng.fill_uniform(bias->mutable_value(), -b, b);
}

// The layer's map, then concatsquash's two maps of t (fan_in 1, gain 1).
void initialize(const DenseLayer& layer, Init init, Rng& rng) {
  initialize_affine(layer.weight, &layer.bias, layer.activation == Activation::kTanh ? 5.0 / 3.0 : 1.0, init, rng);
  if (layer.time != TimeConditioning::kConcatSquash) return;
  initialize_affine(layer.gate_weight, &layer.gate_bias, 1.0, init, rng);
  initialize_affine(layer.time_weight, nullptr, 1.0, init, rng);
}

TimeConditioning layer_time(const std::string& time_input, std::size_t k) {
  if (time_input == "concatsquash") return TimeConditioning::kConcatSquash;
  return k == 0 && time_input == "concat" ? TimeConditioning::kConcat : TimeConditioning::kNone;
}

}  // namespace

void Mlp::declare(Schema& schema) {
  schema.integer_list("hidden").required().min(1).min_size(1).doc("Widths of the hidden layers.");
  schema.choice("activation", activation_names()).default_value("tanh").doc("Activation of the hidden layers.");
  schema.choice("output_activation", activation_names())
      .default_value("identity")
      .doc("Activation of the output layer.");
  schema.choice("time_input", {"none", "concat", "concatsquash"})
      .default_value("none")
      .doc(
          "How t enters: not at all, as one more input of the first layer (concat), or in every layer as "
          "(W x + b) * sigmoid(g t + c) + t d (FFJORD's concatsquash).");
  schema.choice("init", {"lux", "glorot_uniform"})
      .default_value("lux")
      .doc(
          "Initialization: Lux's Dense default (kaiming_uniform with the activation's gain, uniform bias) "
          "or glorot_uniform with zero bias.");
}

Mlp::Mlp(const Params& params, BuildContext& context) : path_(params.path()), dim_(context.dim()) {
  if (dim_ < 1)
    throw ConfigError(path_ + ": the mlp vector field needs a data dimension >= 1, got " + std::to_string(dim_));
  const std::vector<long>& hidden = params.get_int_list("hidden");
  if (hidden.empty()) throw ConfigError(path_ + ".hidden: needs at least one hidden layer width");
  for (std::size_t i = 0; i < hidden.size(); ++i)
    if (hidden[i] < 1)
      throw ConfigError(path_ + ".hidden[" + std::to_string(i) + "]: a layer width must be >= 1, got " +
                        std::to_string(hidden[i]));
  const Activation activation = parse_activation(params.get_string("activation"), path_ + ".activation");
  const Activation output_activation =
      parse_activation(params.get_string("output_activation"), path_ + ".output_activation");

  const std::string& time_input = params.get_string("time_input");
  if (time_input != "none" && time_input != "concat" && time_input != "concatsquash")
    throw ConfigError(path_ + ".time_input: unknown value '" + time_input +
                      "' (one of none, concat, concatsquash)");
  const std::string& init_name = params.get_string("init");
  if (init_name != "lux" && init_name != "glorot_uniform")
    throw ConfigError(path_ + ".init: unknown value '" + init_name + "' (one of lux, glorot_uniform)");
  const Init init = init_name == "lux" ? Init::kLux : Init::kGlorotUniform;

  std::vector<Index> widths{dim_};
  widths.insert(widths.end(), hidden.begin(), hidden.end());
  widths.push_back(dim_);
  ParameterStore& store = context.parameters();
  for (std::size_t k = 0; k + 1 < widths.size(); ++k) {
    DenseLayer layer;
    layer.in = widths[k];
    layer.out = widths[k + 1];
    layer.activation = k + 2 < widths.size() ? activation : output_activation;
    layer.time = layer_time(time_input, k);
    const Index time_columns = layer.time == TimeConditioning::kConcat ? 1 : 0;
    const std::string prefix = path_ + ".layers[" + std::to_string(k) + "]";
    layer.weight = store.allocate(prefix + ".weight", layer.out, layer.in + time_columns);
    layer.bias = store.allocate(prefix + ".bias", layer.out, 1);
    if (layer.time == TimeConditioning::kConcatSquash) {
      layer.gate_weight = store.allocate(prefix + ".gate_weight", layer.out, 1);
      layer.gate_bias = store.allocate(prefix + ".gate_bias", layer.out, 1);
      layer.time_weight = store.allocate(prefix + ".time_weight", layer.out, 1);
      max_squash_weight_ = std::max(max_squash_weight_, layer.out * layer.in);
    }
    initialize(layer, init, context.init_rng());

    row_offsets_.push_back(total_width_);
    total_width_ += layer.out;
    weight_entries_ += layer.out * layer.in;
    max_width_ = std::max({max_width_, layer.in, layer.out});
    parameter_end_ = store.size();
    layers_.push_back(layer);
  }
}

LIOUVILLE_REGISTER(liouville::VectorField, Mlp)

}  // namespace liouville::mlp
