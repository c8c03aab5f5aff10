#include "liouville/core/chain.hpp"

#include <string>

#include "liouville/core/errors.hpp"

namespace liouville {
namespace {

struct StoredTape final : Tape {
  std::vector<Matrix> inputs;  // inputs[k] is the input of layer k
  std::vector<std::unique_ptr<Tape>> tapes;
};

struct RecomputeTape final : Tape {
  std::vector<Rng> noise;      // noise[k] is the generator as layer k received it
  std::vector<bool> has_tape;  // whether layer k's forward recorded a tape
};

template <class ChainTape>
const ChainTape& expect_tape(const Tape* tape, const char* mode) {
  const auto* chain_tape = dynamic_cast<const ChainTape*>(tape);
  if (chain_tape == nullptr)
    throw Error(std::string("chain (memory: ") + mode + "): backward needs the tape recorded by its forward");
  return *chain_tape;
}

}  // namespace

ChainMemory parse_chain_memory(std::string_view name, std::string_view where) {
  if (name == "store") return ChainMemory::kStore;
  if (name == "recompute") return ChainMemory::kRecompute;
  throw ConfigError(std::string(where) + ": unknown chain memory mode '" + std::string(name) +
                    "'; expected store or recompute");
}

Chain::Chain(std::vector<std::shared_ptr<Bijection>> layers, ChainMemory memory)
    : layers_(std::move(layers)), memory_(memory) {
  if (layers_.empty()) throw ConfigError("a chain needs at least one bijection");
  for (std::size_t k = 1; k < layers_.size(); ++k)
    if (layers_[k]->dim() != layers_[0]->dim())
      throw ConfigError("chain: layer " + std::to_string(k) + " has dimension " +
                        std::to_string(layers_[k]->dim()) + " but layer 0 has " +
                        std::to_string(layers_[0]->dim()));
}

void Chain::forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
                    std::unique_ptr<Tape>* tape) const {
  const bool store = tape != nullptr && memory_ == ChainMemory::kStore;
  const bool recompute = tape != nullptr && memory_ == ChainMemory::kRecompute;
  auto stored = store ? std::make_unique<StoredTape>() : nullptr;
  auto recomputed = recompute ? std::make_unique<RecomputeTape>() : nullptr;
  Matrix current = x;
  Vector layer_logdet(x.cols());
  logdet.setZero();
  Scalar penalty = 0;  // the layers' regularization penalties add up
  for (const auto& layer : layers_) {
    Matrix next(current.rows(), current.cols());
    std::unique_ptr<Tape> layer_tape;
    if (recomputed) recomputed->noise.push_back(noise);
    layer->forward(current, next, layer_logdet, noise, tape ? &layer_tape : nullptr);
    logdet += layer_logdet;
    if (layer_tape) penalty += layer_tape->penalty;
    if (stored) {
      stored->inputs.push_back(std::move(current));
      stored->tapes.push_back(std::move(layer_tape));
    }
    if (recomputed) recomputed->has_tape.push_back(layer_tape != nullptr);
    current = std::move(next);
  }
  z = current;
  if (stored) stored->penalty = penalty;
  if (recomputed) recomputed->penalty = penalty;
  if (stored) *tape = std::move(stored);
  if (recomputed) *tape = std::move(recomputed);
}

void Chain::inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const {
  Matrix current = z;
  Vector layer_logdet(z.cols());
  logdet.setZero();
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
    Matrix next(current.rows(), current.cols());
    (*it)->inverse(current, next, layer_logdet, noise);
    logdet += layer_logdet;
    current = std::move(next);
  }
  x = current;
}

// Every layer's log-determinant enters the total with weight one, so each
// receives the same logdet cotangent.
void Chain::backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                     ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const {
  if (memory_ == ChainMemory::kStore)
    backward_stored(tape, z, z_bar, logdet_bar, x_bar, theta_bar);
  else
    backward_recomputed(tape, x, z, z_bar, logdet_bar, x_bar, theta_bar);
}

void Chain::backward_stored(const Tape* tape, ConstMatrixRef z, ConstMatrixRef z_bar, ConstVectorRef logdet_bar,
                            MatrixRef x_bar, VectorRef theta_bar) const {
  const StoredTape& stored = expect_tape<StoredTape>(tape, "store");
  Matrix output_bar = z_bar;
  for (std::size_t k = layers_.size(); k-- > 0;) {
    const Matrix& input = stored.inputs[k];
    const Eigen::Ref<const Matrix> output =
        k + 1 < layers_.size() ? Eigen::Ref<const Matrix>(stored.inputs[k + 1]) : z;
    Matrix input_bar(input.rows(), input.cols());
    // The chain's penalty is the sum of its layers', so each gets its cotangent.
    if (stored.tapes[k]) stored.tapes[k]->penalty_bar = stored.penalty_bar;
    layers_[k]->backward(stored.tapes[k].get(), input, output, output_bar, logdet_bar, input_bar, theta_bar);
    output_bar = std::move(input_bar);
  }
  x_bar = output_bar;
}

void Chain::backward_recomputed(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const {
  const RecomputeTape& recomputed = expect_tape<RecomputeTape>(tape, "recompute");
  Matrix output = z;
  Matrix output_bar = z_bar;
  Vector layer_logdet(z.cols());
  for (std::size_t k = layers_.size(); k-- > 0;) {
    Matrix input;
    if (k > 0) {
      input.resize(output.rows(), output.cols());
      Rng inverse_noise = recomputed.noise[k];
      try {
        layers_[k]->inverse(output, input, layer_logdet, inverse_noise);
      } catch (const NotSupported& error) {
        throw NotSupported("chain (memory: recompute): layer " + std::to_string(k) +
                           " cannot recompute its input without an inverse (" + error.what() +
                           "); use memory: store");
      }
    }
    const Eigen::Ref<const Matrix> layer_input = k > 0 ? Eigen::Ref<const Matrix>(input) : x;
    // A layer that records a tape runs forward again from the recomputed input,
    // overwriting the kept output, so its backward sees a consistent (input,
    // output, tape). One without a tape recomputes what it needs in backward.
    std::unique_ptr<Tape> layer_tape;
    if (recomputed.has_tape[k]) {
      Rng forward_noise = recomputed.noise[k];
      layers_[k]->forward(layer_input, output, layer_logdet, forward_noise, &layer_tape);
      if (layer_tape) layer_tape->penalty_bar = recomputed.penalty_bar;
    }
    Matrix input_bar(output.rows(), output.cols());
    layers_[k]->backward(layer_tape.get(), layer_input, output, output_bar, logdet_bar, input_bar, theta_bar);
    layer_tape.reset();
    output = std::move(input);
    output_bar = std::move(input_bar);
  }
  x_bar = output_bar;
}

}  // namespace liouville
