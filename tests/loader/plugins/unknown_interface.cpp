// A plugin registering a component under an interface Liouville does not have.
#include "tiny_distribution.hpp"

namespace liouville::testing {

// Registered by hand: LIOUVILLE_REGISTER would reject the unknown interface at compile time.
const bool kMisspelledInterfaceRegistered = [] {
  detail::library_components().push_back(ComponentInfo{
      "Bijektion", "test/misspelled_interface", "Registered under a misspelled interface (loader test plugin).",
      &TinyDistribution::declare, [](const Params&, BuildContext& context) -> std::unique_ptr<Component> {
        return std::make_unique<TinyDistribution>(context);
      }});
  return true;
}();

}  // namespace liouville::testing
