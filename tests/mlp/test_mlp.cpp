// The mlp plugin: its parameters, initialization, forward pass, configuration
// errors and re-entrancy.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "liouville/core/errors.hpp"
#include "liouville/testing/gradient_check.hpp"
#include "mlp_fixture.hpp"

namespace liouville::testing {
namespace {

Matrix normal_matrix(Index rows, Index cols, Rng& rng) {
  Matrix m(rows, cols);
  rng.fill_normal(m);
  return m;
}

Eigen::Map<const Matrix> slice_value(const ParameterStore& store, const std::string& name) {
  const ParameterSliceInfo* info = store.find(name);
  REQUIRE_MESSAGE(info != nullptr, "no parameter slice " << name);
  return Eigen::Map<const Matrix>(store.values().data() + info->offset, info->rows, info->cols);
}

std::string layer(int k, const char* part) { return kMlpPath + ".layers[" + std::to_string(k) + "]." + part; }

TEST_CASE("the seed network Dense(1,3,tanh) -> Dense(3,1,tanh) has 10 parameters in named slices") {
  const auto built = build_mlp({{3}, "tanh", "tanh", "none", "lux"}, 1);
  CHECK(built->field->dim() == 1);
  CHECK(built->store.size() == 10);
  REQUIRE(built->store.slices().size() == 4);
  const std::vector<std::tuple<std::string, Index, Index>> expected = {
      {layer(0, "weight"), 3, 1}, {layer(0, "bias"), 3, 1}, {layer(1, "weight"), 1, 3}, {layer(1, "bias"), 1, 1}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [name, rows, cols] = expected[i];
    CHECK(built->store.slices()[i].name == name);
    CHECK(built->store.slices()[i].rows == rows);
    CHECK(built->store.slices()[i].cols == cols);
  }
}

TEST_CASE("concat time input adds one weight column to the first layer only") {
  const auto built = build_mlp({{4, 5}, "tanh", "identity", "concat", "lux"}, 2);
  CHECK(slice_value(built->store, layer(0, "weight")).cols() == 3);
  CHECK(slice_value(built->store, layer(1, "weight")).cols() == 4);
  CHECK(slice_value(built->store, layer(2, "weight")).cols() == 5);
  CHECK(built->store.size() == (4 * 3 + 4) + (5 * 4 + 5) + (2 * 5 + 2));
}

TEST_CASE("concatsquash adds a gate (weight, bias) and a time weight to every layer") {
  const auto built = build_mlp({{4, 5}, "tanh", "identity", "concatsquash", "lux"}, 2);
  CHECK(slice_value(built->store, layer(0, "weight")).cols() == 2);
  for (int k = 0; k < 3; ++k) {
    const Index out = k == 0 ? 4 : k == 1 ? 5 : 2;
    for (const char* name : {"gate_weight", "gate_bias", "time_weight"}) {
      CHECK(slice_value(built->store, layer(k, name)).rows() == out);
      CHECK(slice_value(built->store, layer(k, name)).cols() == 1);
      CHECK(slice_value(built->store, layer(k, name)).cwiseAbs().maxCoeff() > 0);  // initialized
    }
  }
  CHECK(built->store.size() == (4 * 2 + 4 * 4) + (5 * 4 + 5 * 4) + (2 * 5 + 2 * 4));
  // Per column only W x grows with the batch; the gates and time weights act once per call.
  CHECK(built->field->multiply_adds_per_column() == 4 * 2 + 5 * 4 + 2 * 5);
}

TEST_CASE("evaluate matches a sample-by-sample forward pass from the definition") {
  Rng rng(3);
  for (const std::string activation : {"tanh", "softplus", "relu", "sigmoid", "elu", "swish", "identity"}) {
    for (const std::string time_input : {"none", "concat", "concatsquash"}) {
      const MlpConfig config{{5, 4}, activation, "tanh", time_input, "lux"};
      const auto built = build_mlp(config, 3);
      // Scale 30 drives pre-activations past tanh's clamp at |a| = 20.
      for (const double scale : {2.0, 30.0}) {
        const Matrix z = scale * normal_matrix(3, 9, rng);
        Matrix f(3, 9);
        built->field->evaluate(0.7, z, f);
        const Matrix expected = reference_forward(built->store, config, 0.7, z).f;
        INFO("activation ", activation, ", time ", time_input, ", scale ", scale);
        // A few ulp of the pre-activations, which reach ~100 at scale 30 without a
        // squashing activation (the GEMM kernels may fuse multiply and add).
        CHECK((f - expected).cwiseAbs().maxCoeff() <= 5e-14 * std::max(1.0, expected.cwiseAbs().maxCoeff()));
      }
    }
  }
}

TEST_CASE("a NaN in a sample gives NaN in that sample's f and J v only") {
  Rng rng(12);
  for (const std::string activation : {"tanh", "softplus", "relu", "sigmoid", "elu", "swish", "identity"}) {
    const auto built = build_mlp({{4}, activation, "tanh", "none", "lux"}, 2);
    Matrix z = normal_matrix(2, 5, rng);
    z(1, 3) = std::numeric_limits<double>::quiet_NaN();
    const Matrix v = normal_matrix(2, 5, rng);
    Matrix f(2, 5), jv(2, 5);
    built->field->jvp(0.0, z, v, f, jv);
    INFO("activation ", activation);
    CHECK(f.col(3).array().isNaN().all());
    CHECK(jv.col(3).array().isNaN().all());
    CHECK(f.leftCols(3).allFinite());
    CHECK(jv.leftCols(3).allFinite());
    CHECK(f.col(4).allFinite());
  }
}

TEST_CASE("time enters f only with concat or concatsquash") {
  Rng rng(4);
  const Matrix z = normal_matrix(2, 5, rng);
  Matrix f0(2, 5), f1(2, 5);
  const auto without = build_mlp({{6}, "tanh", "identity", "none", "lux"}, 2);
  without->field->evaluate(0.0, z, f0);
  without->field->evaluate(2.0, z, f1);
  CHECK(f0 == f1);
  for (const char* time_input : {"concat", "concatsquash"}) {
    const auto with = build_mlp({{6}, "tanh", "identity", time_input, "lux"}, 2);
    with->field->evaluate(0.0, z, f0);
    with->field->evaluate(2.0, z, f1);
    CHECK((f0 - f1).cwiseAbs().maxCoeff() > 1e-3);
  }
}

TEST_CASE("lux initialization: W ~ U(+-gain sqrt(3/fan_in)), b ~ U(+-1/sqrt(fan_in)), fan_in counting t") {
  for (const std::string activation : {"tanh", "softplus"}) {
    const auto built = build_mlp({{64, 64}, activation, "identity", "concat", "lux"}, 2);
    const double gain = activation == "tanh" ? 5.0 / 3.0 : 1.0;
    INFO("activation ", activation);
    // Layer 0 takes (z, t): fan_in 3; layer 1 fan_in 64 (hidden activation);
    // layer 2 fan_in 64 with the identity output (gain 1).
    const std::vector<std::tuple<int, double, double>> layers = {{0, 3, gain}, {1, 64, gain}, {2, 64, 1.0}};
    for (const auto& [index, fan_in, layer_gain] : layers) {
      const int k = index;  // INFO cannot capture a structured binding in clang 14
      INFO("layer ", k);
      const double weight_bound = layer_gain * std::sqrt(3.0 / fan_in);
      const double bias_bound = 1.0 / std::sqrt(fan_in);
      const auto weight = slice_value(built->store, layer(k, "weight"));
      const auto bias = slice_value(built->store, layer(k, "bias"));
      CHECK(weight.cwiseAbs().maxCoeff() <= weight_bound);
      CHECK(bias.cwiseAbs().maxCoeff() <= bias_bound);
      // Enough draws that the extremes come close to the bounds (and the mean to 0).
      if (weight.size() >= 128) {
        CHECK(weight.cwiseAbs().maxCoeff() >= 0.9 * weight_bound);
        CHECK(std::abs(weight.mean()) <= 0.2 * weight_bound);
      }
      if (bias.size() >= 64) CHECK(bias.cwiseAbs().maxCoeff() >= 0.9 * bias_bound);
    }
  }
}

TEST_CASE("glorot_uniform initialization: W ~ U(+-sqrt(6/(fan_in+fan_out))), b = 0") {
  const auto built = build_mlp({{64, 32}, "tanh", "identity", "none", "glorot_uniform"}, 5);
  const std::vector<std::tuple<int, double, double>> layers = {{0, 5, 64}, {1, 64, 32}, {2, 32, 5}};
  for (const auto& [index, fan_in, fan_out] : layers) {
    const int k = index;  // INFO cannot capture a structured binding in clang 14
    INFO("layer ", k);
    const double bound = std::sqrt(6.0 / (fan_in + fan_out));
    const auto weight = slice_value(built->store, layer(k, "weight"));
    CHECK(weight.cwiseAbs().maxCoeff() <= bound);
    CHECK(weight.cwiseAbs().maxCoeff() >= 0.9 * bound);
    CHECK(slice_value(built->store, layer(k, "bias")).isZero(0.0));
  }
}

TEST_CASE("initialization is determined by the seed") {
  const MlpConfig config{{8}, "tanh", "identity", "concat", "lux"};
  const auto first = build_mlp(config, 2, 42);
  const auto again = build_mlp(config, 2, 42);
  const auto other = build_mlp(config, 2, 43);
  CHECK(first->store.values() == again->store.values());
  CHECK(first->store.values() != other->store.values());
}

TEST_CASE("a bad configuration reaching the constructor is a ConfigError naming where") {
  const auto message_of = [](const MlpConfig& config, Index dim) -> std::string {
    try {
      build_mlp(config, dim);
    } catch (const ConfigError& error) {
      return error.what();
    }
    return "no ConfigError";
  };
  CHECK(message_of({{3}, "tanh", "identity", "none", "lux"}, 0).find(kMlpPath) != std::string::npos);
  CHECK(message_of({{3}, "tanh", "identity", "none", "lux"}, 0).find("dimension") != std::string::npos);
  CHECK(message_of({{3, 0}, "tanh", "identity", "none", "lux"}, 2).find(kMlpPath + ".hidden[1]") !=
        std::string::npos);
  CHECK(message_of({{}, "tanh", "identity", "none", "lux"}, 2).find(kMlpPath + ".hidden") != std::string::npos);
  CHECK(message_of({{3}, "gelu", "identity", "none", "lux"}, 2).find(kMlpPath + ".activation") !=
        std::string::npos);
  CHECK(message_of({{3}, "tanh", "identity", "squash", "lux"}, 2).find(kMlpPath + ".time_input") !=
        std::string::npos);
  CHECK(message_of({{3}, "tanh", "identity", "none", "zeros"}, 2).find(kMlpPath + ".init") != std::string::npos);
}

TEST_CASE("blocks of the wrong shape are a DataError naming the block") {
  const auto built = build_mlp({{4}, "tanh", "identity", "none", "lux"}, 2);
  const VectorField& field = *built->field;
  Rng rng(8);
  const Matrix z = normal_matrix(2, 5, rng);
  Matrix f(2, 5), jv(2, 5), z_bar(2, 5), wrong_rows(3, 5), wrong_cols(2, 4);
  Vector theta_bar = Vector::Zero(built->store.size());
  Vector short_theta_bar = Vector::Zero(built->store.size() - 1);
  CHECK_THROWS_AS(field.evaluate(0, wrong_rows, wrong_rows), DataError);
  CHECK_THROWS_AS(field.evaluate(0, z, wrong_cols), DataError);
  CHECK_THROWS_AS(field.jvp(0, z, wrong_cols, f, jv), DataError);
  CHECK_THROWS_AS(field.vjp(0, z, wrong_rows, z_bar, theta_bar), DataError);
  CHECK_THROWS_AS(field.vjp(0, z, f, z_bar, short_theta_bar), DataError);
  CHECK_THROWS_AS(field.jvp_backward(0, z, z, f, wrong_cols, z_bar, theta_bar), DataError);
  try {
    field.jvp(0, z, z, f, wrong_rows);
    FAIL("no DataError");
  } catch (const DataError& error) {
    CHECK(std::string(error.what()).find(kMlpPath + ": jv is 3 x 5, expected 2 x 5") != std::string::npos);
  }
}

TEST_CASE("results do not depend on earlier calls, other networks or other threads") {
  const auto small = build_mlp({{3}, "tanh", "tanh", "concat", "lux"}, 1, 1);
  const auto wide = build_mlp({{64, 64, 64}, "swish", "identity", "concat", "lux"}, 2, 2);
  Rng rng(9);
  const Matrix z = normal_matrix(2, 7, rng), v = normal_matrix(2, 7, rng), f_bar = normal_matrix(2, 7, rng),
               jv_bar = normal_matrix(2, 7, rng);
  const auto gradient = [&]() {
    Matrix z_bar(2, 7);
    Vector theta_bar = Vector::Zero(wide->store.size());
    const Scalar t_bar = wide->field->jvp_backward(0.5, z, v, f_bar, jv_bar, z_bar, theta_bar);
    Vector all(z_bar.size() + theta_bar.size() + 1);
    all << flatten(z_bar), theta_bar, t_bar;
    return all;
  };
  const Vector first = gradient();

  // Grow the scratch space with a large batch, then use the other network.
  Matrix big = normal_matrix(2, 300, rng), big_f(2, 300), big_jv(2, 300);
  wide->field->jvp(0.1, big, big, big_f, big_jv);
  Matrix one = normal_matrix(1, 4, rng), one_f(1, 4);
  small->field->evaluate(0.2, one, one_f);
  CHECK(gradient() == first);

  std::vector<Vector> from_threads(2);
  std::thread a([&] {
    for (int i = 0; i < 50; ++i) from_threads[0] = gradient();
  });
  std::thread b([&] {
    for (int i = 0; i < 50; ++i) from_threads[1] = gradient();
  });
  a.join();
  b.join();
  CHECK(from_threads[0] == first);
  CHECK(from_threads[1] == first);
}

TEST_CASE("blocks of larger matrices (with outer strides) give the results of plain matrices") {
  // The top rows of a taller state, as a CNF passes them; dim 1 and 2 take the
  // short-column copies, dim 6 the column-wise ones.
  for (const Index dim : {1, 2, 6}) {
    for (const char* time_input : {"concat", "concatsquash"}) {
      const auto built = build_mlp({{5}, "tanh", "tanh", time_input, "lux"}, dim);
      const VectorField& field = *built->field;
      Rng rng(13);
      const Index batch = 6;
      const auto block = [&](Matrix& tall) { return tall.topRows(dim); };
      Matrix z_tall = normal_matrix(dim + 2, batch, rng), v_tall = normal_matrix(dim + 2, batch, rng),
             f_bar_tall = normal_matrix(dim + 2, batch, rng), jv_bar_tall = normal_matrix(dim + 2, batch, rng);
      const Matrix z = block(z_tall), v = block(v_tall), f_bar = block(f_bar_tall), jv_bar = block(jv_bar_tall);

      Matrix f(dim, batch), jv(dim, batch), z_bar(dim, batch), f_tall(dim + 2, batch), jv_tall(dim + 2, batch),
          z_bar_tall(dim + 2, batch);
      INFO("dim ", dim, ", time ", time_input);
      field.evaluate(0.3, z, f);
      field.evaluate(0.3, block(z_tall), block(f_tall));
      CHECK(block(f_tall) == f);
      field.jvp(0.3, z, v, f, jv);
      field.jvp(0.3, block(z_tall), block(v_tall), block(f_tall), block(jv_tall));
      CHECK(block(f_tall) == f);
      CHECK(block(jv_tall) == jv);

      Vector theta_bar = Vector::Zero(built->store.size()), theta_bar_tall = theta_bar;
      const Scalar t_bar = field.vjp(0.3, z, f_bar, z_bar, theta_bar);
      CHECK(field.vjp(0.3, block(z_tall), block(f_bar_tall), block(z_bar_tall), theta_bar_tall) == t_bar);
      CHECK(block(z_bar_tall) == z_bar);
      CHECK(theta_bar_tall == theta_bar);

      const Scalar t_bar_pair = field.jvp_backward(0.3, z, v, f_bar, jv_bar, z_bar, theta_bar);
      CHECK(field.jvp_backward(0.3, block(z_tall), block(v_tall), block(f_bar_tall), block(jv_bar_tall),
                               block(z_bar_tall), theta_bar_tall) == t_bar_pair);
      CHECK(block(z_bar_tall) == z_bar);
      CHECK(theta_bar_tall == theta_bar);
    }
  }
}

TEST_CASE("an empty batch gives empty results and no parameter gradient") {
  const auto built = build_mlp({{4}, "tanh", "identity", "concat", "lux"}, 2);
  const Matrix empty(2, 0);
  Matrix f(2, 0), jv(2, 0), z_bar(2, 0);
  Vector theta_bar = Vector::Zero(built->store.size());
  built->field->evaluate(0.5, empty, f);
  built->field->jvp(0.5, empty, empty, f, jv);
  CHECK(built->field->vjp(0.5, empty, empty, z_bar, theta_bar) == 0.0);
  CHECK(built->field->jvp_backward(0.5, empty, empty, empty, empty, z_bar, theta_bar) == 0.0);
  CHECK(theta_bar.isZero(0.0));
}

TEST_CASE("jvp_backward with a zero jv_bar is vjp") {
  const auto built = build_mlp({{5, 5}, "softplus", "tanh", "concat", "lux"}, 3);
  Rng rng(10);
  const Matrix z = normal_matrix(3, 6, rng), v = normal_matrix(3, 6, rng), f_bar = normal_matrix(3, 6, rng);
  Matrix z_bar_vjp(3, 6), z_bar_pair(3, 6);
  Vector theta_bar_vjp = Vector::Zero(built->store.size()), theta_bar_pair = theta_bar_vjp;
  const Scalar t_bar_vjp = built->field->vjp(0.3, z, f_bar, z_bar_vjp, theta_bar_vjp);
  const Scalar t_bar_pair =
      built->field->jvp_backward(0.3, z, v, f_bar, Matrix::Zero(3, 6), z_bar_pair, theta_bar_pair);
  CHECK((z_bar_vjp - z_bar_pair).cwiseAbs().maxCoeff() <= 1e-14);
  CHECK((theta_bar_vjp - theta_bar_pair).cwiseAbs().maxCoeff() <= 1e-14);
  CHECK(std::abs(t_bar_vjp - t_bar_pair) <= 1e-14);
}

}  // namespace
}  // namespace liouville::testing
