#include "liouville/core/chain.hpp"

#include <string>

#include "liouville/core/errors.hpp"

namespace liouville {
namespace {

struct ChainTape final : Tape {
  std::vector<Matrix> inputs;  // inputs[k] is the input of layer k
  std::vector<std::unique_ptr<Tape>> tapes;
};

}  // namespace

Chain::Chain(std::vector<std::shared_ptr<Bijection>> layers) : layers_(std::move(layers)) {
  if (layers_.empty()) throw ConfigError("a chain needs at least one bijection");
  for (std::size_t k = 1; k < layers_.size(); ++k)
    if (layers_[k]->dim() != layers_[0]->dim())
      throw ConfigError("chain: layer " + std::to_string(k) + " has dimension " +
                        std::to_string(layers_[k]->dim()) + " but layer 0 has " +
                        std::to_string(layers_[0]->dim()));
}

void Chain::forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
                    std::unique_ptr<Tape>* tape) const {
  auto chain_tape = tape ? std::make_unique<ChainTape>() : nullptr;
  Matrix current = x;
  Vector layer_logdet(x.cols());
  logdet.setZero();
  for (const auto& layer : layers_) {
    Matrix next(current.rows(), current.cols());
    std::unique_ptr<Tape> layer_tape;
    layer->forward(current, next, layer_logdet, noise, chain_tape ? &layer_tape : nullptr);
    logdet += layer_logdet;
    if (chain_tape) {
      chain_tape->inputs.push_back(std::move(current));
      chain_tape->tapes.push_back(std::move(layer_tape));
    }
    current = std::move(next);
  }
  z = current;
  if (tape) *tape = std::move(chain_tape);
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

void Chain::backward(const Tape* tape, ConstMatrixRef /*x*/, ConstMatrixRef z, ConstMatrixRef z_bar,
                     ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const {
  const auto* chain_tape = dynamic_cast<const ChainTape*>(tape);
  if (chain_tape == nullptr) throw Error("chain: backward needs the tape recorded by forward");
  // Every layer's log-determinant enters the total with weight one, so each
  // receives the same logdet cotangent.
  Matrix output = z;
  Matrix output_bar = z_bar;
  for (std::size_t k = layers_.size(); k-- > 0;) {
    const Matrix& input = chain_tape->inputs[k];
    Matrix input_bar(input.rows(), input.cols());
    layers_[k]->backward(chain_tape->tapes[k].get(), input, output, output_bar, logdet_bar, input_bar, theta_bar);
    output = input;
    output_bar = std::move(input_bar);
  }
  x_bar = output_bar;
}

}  // namespace liouville
