// FFJORD's "checkerboard" (Grathwohl et al. 2019): uniform on the 8 squares of
// side 2 in [-4, 4)^2 whose cell indices floor(x1 / 2) + floor(x2 / 2) are even.
#include <cmath>

#include "generator_dataset.hpp"

namespace liouville {

class Checkerboard final : public GeneratorDataset {
 public:
  static constexpr std::string_view kName = "checkerboard";
  static constexpr std::string_view kSummary = "FFJORD's 4 x 4 checkerboard: uniform on 8 of its squares.";

  static void declare(Schema& schema) { declare_size(schema, 10000); }

  Checkerboard(const Params& params, BuildContext&) : GeneratorDataset(params, 2) {}

 private:
  // u ~ U[-2, 2); v ~ U[0, 1) shifted down by 2 with probability 1/2 and up by 1
  // when floor(u) is odd; the point is 2 (u, v).
  void generate(MatrixRef x, Rng& rng) const override {
    Matrix draws(3, x.cols());
    rng.fill_uniform(draws, 0, 1);
    const auto u = (4 * draws.row(0).array() - 2).eval();
    const auto column_parity = (u.floor() - 2 * (u / 2).floor()).eval();
    const auto lower = (2 * draws.row(2).array()).floor();
    x.row(0) = 2 * u.matrix();
    x.row(1) = (2 * (draws.row(1).array() - 2 * lower + column_parity)).matrix();
  }
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::Checkerboard)
