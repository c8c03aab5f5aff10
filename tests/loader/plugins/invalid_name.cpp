// A plugin registering a name that is neither 'name' nor 'vendor/name'.
#include "tiny_distribution.hpp"

namespace liouville::testing {

struct InvalidName final : TinyDistribution {
  static constexpr std::string_view kName = "Acme/Spline Flow";
  InvalidName(const Params&, BuildContext& context) : TinyDistribution(context) {}
};
LIOUVILLE_REGISTER(Distribution, InvalidName)

}  // namespace liouville::testing
