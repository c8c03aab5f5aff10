// A third-party plugin registering a bare name, reserved for the bundled plugins.
#include "tiny_distribution.hpp"

namespace liouville::testing {

struct BareName final : TinyDistribution {
  static constexpr std::string_view kName = "gaussian";
  BareName(const Params&, BuildContext& context) : TinyDistribution(context) {}
};
LIOUVILLE_REGISTER(Distribution, BareName)

}  // namespace liouville::testing
