// A plugin that needs a function no library defines: dlopen (RTLD_NOW) fails.
#include "tiny_distribution.hpp"

extern "C" int liouville_test_undefined_function();

namespace liouville::testing {

struct Unresolved final : TinyDistribution {
  static constexpr std::string_view kName = "test/unresolved";
  Unresolved(const Params&, BuildContext& context) : TinyDistribution(context) {
    if (liouville_test_undefined_function() != 0) throw ConfigError("unreachable");
  }
};
LIOUVILLE_REGISTER(Distribution, Unresolved)

}  // namespace liouville::testing
