// A hand-written entry point with exactly one field unlike the one
// liouville_add_plugin() generates (chosen by a compile definition).
#include <boost/dll/alias.hpp>

#include "tiny_distribution.hpp"

namespace liouville::testing {

struct BrokenEntry final : TinyDistribution {
  static constexpr std::string_view kName = "test/broken_entry";
  BrokenEntry(const Params&, BuildContext& context) : TinyDistribution(context) {}
};
LIOUVILLE_REGISTER(Distribution, BrokenEntry)

}  // namespace liouville::testing

namespace {

const std::vector<liouville::ComponentInfo>* registered_components() {
  return &liouville::detail::library_components();
}

liouville::PluginEntry make_entry() {
  liouville::PluginEntry entry{LIOUVILLE_PLUGIN_ABI_VERSION,
                               static_cast<std::uint32_t>(sizeof(liouville::PluginEntry)),
                               LIOUVILLE_BUILD_TAG,
                               "broken_entry",
                               "0.0.1",
                               &registered_components};
#if defined(LIOUVILLE_TEST_WRONG_ABI)
  entry.abi_version += 1;
#elif defined(LIOUVILLE_TEST_WRONG_SIZE)
  entry.entry_size -= sizeof(void*);
#elif defined(LIOUVILLE_TEST_WRONG_TAG)
  entry.build_tag = "clang-0.0/other-stdlib/scalar-float/eigen-3.3.0/align16";
#else
#error "define LIOUVILLE_TEST_WRONG_ABI, LIOUVILLE_TEST_WRONG_SIZE or LIOUVILLE_TEST_WRONG_TAG"
#endif
  return entry;
}

const liouville::PluginEntry kEntry = make_entry();

const liouville::PluginEntry* plugin_entry() { return &kEntry; }

}  // namespace

BOOST_DLL_ALIAS(plugin_entry, liouville_plugin_entry_v1)
