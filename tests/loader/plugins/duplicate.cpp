// A plugin registering a name the good test plugin registers too.
#include "tiny_distribution.hpp"

namespace liouville::testing {

struct Duplicate final : TinyDistribution {
  static constexpr std::string_view kName = "test/gaussian";
  Duplicate(const Params&, BuildContext& context) : TinyDistribution(context) {}
};
LIOUVILLE_REGISTER(Distribution, Duplicate)

}  // namespace liouville::testing
