// A plugin whose declare() throws: the loader refuses the whole library.
#include "tiny_distribution.hpp"

namespace liouville::testing {

struct ThrowingDeclare final : TinyDistribution {
  static constexpr std::string_view kName = "test/throwing_declare";
  static void declare(Schema&) { throw ConfigError("declare failed on purpose"); }
  ThrowingDeclare(const Params&, BuildContext& context) : TinyDistribution(context) {}
};
LIOUVILLE_REGISTER(Distribution, ThrowingDeclare)

}  // namespace liouville::testing
