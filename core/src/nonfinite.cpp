#include "liouville/core/nonfinite.hpp"

#include <cmath>
#include <optional>
#include <vector>

#include "liouville/core/chain.hpp"
#include "liouville/core/errors.hpp"

namespace liouville {
namespace {

std::string value_text(Scalar value) { return std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf"; }

// "nan for 3 of 64 samples": the first non-finite entry and how many columns hold one.
std::optional<std::string> nonfinite_columns(ConstMatrixRef values) {
  Index bad = 0;
  Scalar first = 0;
  for (Index j = 0; j < values.cols(); ++j) {
    if (values.col(j).allFinite()) continue;
    if (bad++ == 0)
      for (Index i = 0; i < values.rows(); ++i)
        if (!std::isfinite(values(i, j))) {
          first = values(i, j);
          break;
        }
  }
  if (bad == 0) return std::nullopt;
  return value_text(first) + " for " + std::to_string(bad) + " of " + std::to_string(values.cols()) + " samples";
}

// "model.flow[0].w (entry 2)" for index 5 of the flat vector.
std::string parameter_name(const ParameterStore& parameters, Index index) {
  for (const ParameterSliceInfo& slice : parameters.slices())
    if (index >= slice.offset && index < slice.offset + slice.size())
      return slice.name + " (entry " + std::to_string(index - slice.offset) + ")";
  return "parameter index " + std::to_string(index);
}

std::optional<Index> first_nonfinite(ConstVectorRef values) {
  for (Index i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i])) return i;
  return std::nullopt;
}

std::string layer_label(const DensityModel& model, std::size_t k) {
  const auto& labels = model.labels().layers;
  return k < labels.size() ? labels[k] : "flow layer " + std::to_string(k);
}

}  // namespace

NonFinitePolicy parse_nonfinite_policy(std::string_view name, std::string_view where) {
  if (name == "stop") return NonFinitePolicy::kStop;
  if (name == "skip") return NonFinitePolicy::kSkip;
  throw ConfigError(std::string(where) + ": unknown policy '" + std::string(name) + "'; use stop or skip");
}

std::string locate_nonfinite(const DensityModel& model, const ParameterStore& parameters, ConstMatrixRef x,
                             Rng noise, ConstVectorRef gradient) {
  if (const auto index = first_nonfinite(parameters.values()))
    return "the parameter " + parameter_name(parameters, *index) + " is " +
           value_text(parameters.values()[*index]);
  if (auto bad = nonfinite_columns(x)) return "the data batch: " + *bad;

  std::vector<const Bijection*> layers{&model.flow()};
  if (const auto* chain = dynamic_cast<const Chain*>(&model.flow())) {
    layers.clear();
    for (const auto& layer : chain->layers()) layers.push_back(layer.get());
  }
  Matrix input = x;
  Matrix output(x.rows(), x.cols());
  Vector logdet(x.cols());
  for (std::size_t k = 0; k < layers.size(); ++k) {
    try {
      layers[k]->forward(input, output, logdet, noise, nullptr);
    } catch (const Error& error) {
      return layer_label(model, k) + ": " + error.what();
    }
    if (auto bad = nonfinite_columns(output)) return layer_label(model, k) + ": its output is " + *bad;
    if (auto bad = nonfinite_columns(logdet.transpose()))
      return layer_label(model, k) + ": its log-determinant is " + *bad;
    input.swap(output);
  }
  Vector log_p(x.cols());
  model.base().log_density(input, log_p);
  if (auto bad = nonfinite_columns(log_p.transpose()))
    return (model.labels().base.empty() ? std::string("the base distribution") : model.labels().base) +
           ": its log-density is " + *bad;

  if (const auto index = first_nonfinite(gradient))
    return "the gradient of " + parameter_name(parameters, *index) + " is " + value_text(gradient[*index]) +
           " (the forward pass is finite: the reverse pass of its component produced it)";
  return "no component produced a non-finite value when the batch was evaluated again";
}

}  // namespace liouville
