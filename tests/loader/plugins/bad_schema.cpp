// A plugin whose schema default breaks its own rule (rate > 0 with default -1).
#include "tiny_distribution.hpp"

namespace liouville::testing {

struct BadSchema final : TinyDistribution {
  static constexpr std::string_view kName = "test/bad_schema";
  static void declare(Schema& schema) { schema.real("rate").default_value(Value{-1.0}).greater_than(0); }
  BadSchema(const Params&, BuildContext& context) : TinyDistribution(context) {}
};
LIOUVILLE_REGISTER(Distribution, BadSchema)

}  // namespace liouville::testing
