// The affine coupling's convolution (im2col with "same" zero padding) against a
// direct convolution, col2im as its adjoint, and the conditioner network's
// reverse mode against finite differences and Taylor tests, in the input and in
// every parameter.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "conditioner_network.hpp"
#include "conv2d.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/testing/gradient_check.hpp"

using namespace liouville;
using namespace liouville::coupling;
using namespace liouville::testing;

namespace {

Matrix random_matrix(Index rows, Index cols, std::uint64_t seed) {
  Matrix m(rows, cols);
  Rng(seed).fill_normal(m);
  return m;
}

// out(o, h, w) = sum_{c, a, b} K(o, (a k + b) in + c) x(c, h + a - r, w + b - r), straight from the definition.
Matrix direct_convolution(const Matrix& kernel, const Matrix& x, const ConvGeometry& g) {
  const Index channels = x.rows(), samples = x.cols() / g.pixels(), r = (g.kernel - 1) / 2;
  Matrix out = Matrix::Zero(kernel.rows(), x.cols());
  for (Index j = 0; j < samples; ++j)
    for (Index h = 0; h < g.height; ++h)
      for (Index w = 0; w < g.width; ++w)
        for (Index a = 0; a < g.kernel; ++a)
          for (Index b = 0; b < g.kernel; ++b) {
            const Index hh = h + a - r, ww = w + b - r;
            if (hh < 0 || hh >= g.height || ww < 0 || ww >= g.width) continue;
            for (Index c = 0; c < channels; ++c)
              out.col(j * g.pixels() + h * g.width + w) +=
                  kernel.col((a * g.kernel + b) * channels + c) * x(c, j * g.pixels() + hh * g.width + ww);
          }
  return out;
}

}  // namespace

TEST_CASE("im2col times the kernel is the zero-padded 'same' convolution, and col2im is its adjoint") {
  for (Index kernel : {1, 3, 5}) {
    CAPTURE(kernel);
    const ConvGeometry g{4, 5, kernel};
    const Index in = 2, out = 3, samples = 2;
    const Matrix x = random_matrix(in, g.pixels() * samples, 1);
    const Matrix weights = random_matrix(out, g.taps() * in, 2);
    const Matrix cols = im2col(x, g);
    REQUIRE(cols.rows() == g.taps() * in);
    CHECK((weights * cols - direct_convolution(weights, x, g)).cwiseAbs().maxCoeff() <= 1e-13);

    const Matrix y = random_matrix(cols.rows(), cols.cols(), 3);
    Matrix adjoint = Matrix::Zero(in, x.cols());
    col2im_add(y, g, adjoint);
    CHECK((cols.array() * y.array()).sum() == doctest::Approx((x.array() * adjoint.array()).sum()).epsilon(1e-13));
  }
}

TEST_CASE("the conditioner network is conv3x3 -> conv1x1 -> conv3x3 on images and dense on vectors") {
  for (Index side : {1, 4}) {
    CAPTURE(side);
    ParameterStore store;
    Rng init(1);
    const ConditionerNetwork network("net", {2, 5, 4, 6}, side, side, Activation::kRelu, store, init);
    const Index taps = side == 1 ? 1 : 9;
    const std::vector<std::pair<std::string, Index>> expected{
        {"net.layers[0].weight", taps * 2}, {"net.layers[1].weight", 5}, {"net.layers[2].weight", taps * 4}};
    for (const auto& [name, cols] : expected) {
      const ParameterSliceInfo* slice = store.find(name);
      REQUIRE(slice != nullptr);
      CHECK(slice->cols == cols);
    }
    // The output layer starts at zero, so the network starts at zero.
    std::vector<Matrix> outputs;
    network.forward(random_matrix(2, side * side * 3, 2), outputs);
    CHECK(outputs.back().isZero(0));
  }
}

TEST_CASE("the conditioner network's reverse mode matches finite differences and Taylor tests") {
  for (const Activation activation : {Activation::kTanh, Activation::kSoftplus})
    for (Index side : {1, 3, 4}) {
      CAPTURE(side);
      ParameterStore store;
      Rng init(4);
      const ConditionerNetwork network("net", {2, 4, 3, 4}, side, side + 1, activation, store, init);
      store.values() += 0.5 * random_matrix(store.size(), 1, 5);  // the zero output layer too
      const Index samples = 2, pixels = side * (side + 1);
      const Matrix x = random_matrix(2, pixels * samples, 6);
      const Matrix w = random_matrix(4, pixels * samples, 7);  // L = <w, NN(x)>

      const auto loss = [&](const Matrix& input) {
        std::vector<Matrix> outputs;
        network.forward(input, outputs);
        return (w.array() * outputs.back().array()).sum();
      };
      std::vector<Matrix> outputs;
      network.forward(x, outputs);
      Matrix x_bar(x.rows(), x.cols());
      Vector theta_bar = Vector::Zero(store.size());
      network.backward(x, outputs, w, x_bar, theta_bar);

      const ScalarFunction of_input = [&](const Vector& v) { return loss(unflatten(v, x.rows(), x.cols())); };
      const GradientCheckResult input_check = check_gradient(of_input, flatten(x), flatten(x_bar));
      CHECK_MESSAGE(input_check.max_relative_error <= 1e-6, input_check.report());
      const Vector theta = store.values();
      const ScalarFunction of_theta = [&](const Vector& v) {
        store.values() = v;
        const double value = loss(x);
        store.values() = theta;
        return value;
      };
      const GradientCheckResult theta_check = check_gradient(of_theta, theta, theta_bar);
      CHECK_MESSAGE(theta_check.max_relative_error <= 1e-6, theta_check.report());

      const Vector dx = flatten(random_matrix(x.rows(), x.cols(), 8));
      const TaylorResult in_x = taylor_test(of_input, flatten(x), flatten(x_bar), dx, 1e-3);
      CHECK_MESSAGE(in_x.passes(roundoff(std::abs(loss(x)))), in_x.report());
      const Vector dtheta = random_matrix(store.size(), 1, 9);
      const TaylorResult in_theta = taylor_test(of_theta, theta, theta_bar, dtheta, 1e-3);
      CHECK_MESSAGE(in_theta.passes(roundoff(std::abs(loss(x)))), in_theta.report());
    }
}
