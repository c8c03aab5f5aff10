// A plugin that loads but whose components fail when built: constructors that
// throw, and a component registered as a Bijection that builds a Distribution.
#include <stdexcept>

#include "tiny_distribution.hpp"

namespace liouville::testing {

struct ThrowsConfigError final : TinyDistribution {
  static constexpr std::string_view kName = "test/throws_config_error";
  ThrowsConfigError(const Params&, BuildContext& context) : TinyDistribution(context) {
    throw ConfigError("width must be even");
  }
};
LIOUVILLE_REGISTER(Distribution, ThrowsConfigError)

struct ThrowsRuntimeError final : TinyDistribution {
  static constexpr std::string_view kName = "test/throws_runtime_error";
  ThrowsRuntimeError(const Params&, BuildContext& context) : TinyDistribution(context) {
    throw std::runtime_error("out of coffee");
  }
};
LIOUVILLE_REGISTER(Distribution, ThrowsRuntimeError)

// Registered by hand: LIOUVILLE_REGISTER would reject the mismatch at compile time.
const bool kNotABijectionRegistered = [] {
  detail::library_components().push_back(ComponentInfo{
      Bijection::kInterface, "test/not_a_bijection", "Claims to be a Bijection (loader test plugin).",
      &TinyDistribution::declare, [](const Params&, BuildContext& context) -> std::unique_ptr<Component> {
        return std::make_unique<TinyDistribution>(context);
      }});
  return true;
}();

}  // namespace liouville::testing
