// A hand-written entry point that throws, or whose component list throws
// (chosen by a compile definition): the loader refuses the library and goes on.
#include <boost/dll/alias.hpp>
#include <stdexcept>

#include "tiny_distribution.hpp"

namespace {

#if defined(LIOUVILLE_TEST_THROWING_ENTRY)
constexpr bool kEntryThrows = true;
#elif defined(LIOUVILLE_TEST_THROWING_COMPONENTS)
constexpr bool kEntryThrows = false;
#else
#error "define LIOUVILLE_TEST_THROWING_ENTRY or LIOUVILLE_TEST_THROWING_COMPONENTS"
#endif

const std::vector<liouville::ComponentInfo>* throwing_components() {
  throw std::runtime_error("the component list failed on purpose");
}

const liouville::PluginEntry kEntry{LIOUVILLE_PLUGIN_ABI_VERSION,
                                    static_cast<std::uint32_t>(sizeof(liouville::PluginEntry)),
                                    LIOUVILLE_BUILD_TAG,
                                    "throwing_entry",
                                    "0.0.1",
                                    &throwing_components};

const liouville::PluginEntry* plugin_entry() {
  if (kEntryThrows) throw std::runtime_error("the entry point failed on purpose");
  return &kEntry;
}

}  // namespace

BOOST_DLL_ALIAS(plugin_entry, liouville_plugin_entry_v1)
