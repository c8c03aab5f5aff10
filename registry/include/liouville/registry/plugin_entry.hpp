// The one versioned entry point of a plugin library and its handshake.
//
// Each plugin library exports exactly one symbol, the Boost.DLL alias
// `liouville_plugin_entry_v1`, a function returning a pointer to a PluginEntry.
// The host reads the plain fields first (ABI version, entry size, build tag) and
// touches nothing else of the library unless they match. The entry is generated
// by the CMake function liouville_add_plugin(); authors never write it.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "liouville/core/component.hpp"
#include "liouville/registry/build_context.hpp"
#include "liouville/registry/schema.hpp"

// Bump on any change of an interface's vtable, of a struct passed across it (IterationReport,
// MinimizeOptions, ...), of PluginEntry or ComponentInfo.
#define LIOUVILLE_PLUGIN_ABI_VERSION 3u

#define LIOUVILLE_DETAIL_STR2(x) #x
#define LIOUVILLE_DETAIL_STR(x) LIOUVILLE_DETAIL_STR2(x)

#if defined(__clang__)
#define LIOUVILLE_DETAIL_COMPILER "clang-" __clang_version__
#elif defined(__GNUC__)
#define LIOUVILLE_DETAIL_COMPILER "gcc-" LIOUVILLE_DETAIL_STR(__GNUC__) "." LIOUVILLE_DETAIL_STR(__GNUC_MINOR__)
#else
#define LIOUVILLE_DETAIL_COMPILER "unknown-compiler"
#endif

#ifdef _GLIBCXX_USE_CXX11_ABI
#define LIOUVILLE_DETAIL_STDLIB "libstdc++-cxx11abi" LIOUVILLE_DETAIL_STR(_GLIBCXX_USE_CXX11_ABI)
#else
#define LIOUVILLE_DETAIL_STDLIB "other-stdlib"
#endif

// What must match between the host and a plugin for their C++ types to agree.
#define LIOUVILLE_BUILD_TAG                                                                   \
  LIOUVILLE_DETAIL_COMPILER                                                                   \
  "/" LIOUVILLE_DETAIL_STDLIB                                                                 \
  "/scalar-double/eigen-" LIOUVILLE_DETAIL_STR(EIGEN_WORLD_VERSION) "." LIOUVILLE_DETAIL_STR( \
      EIGEN_MAJOR_VERSION) "." LIOUVILLE_DETAIL_STR(EIGEN_MINOR_VERSION) "/align" LIOUVILLE_DETAIL_STR(EIGEN_MAX_ALIGN_BYTES)

namespace liouville {

// One registered component class.
struct ComponentInfo {
  std::string_view interface;  // Bijection::kInterface, ...
  std::string_view name;       // "planar", or "vendor/name" for third parties
  std::string_view summary;    // one line
  void (*declare)(Schema&);
  std::unique_ptr<Component> (*create)(const Params&, BuildContext&);
};

struct PluginEntry {
  std::uint32_t abi_version;  // LIOUVILLE_PLUGIN_ABI_VERSION as the plugin saw it
  std::uint32_t entry_size;   // sizeof(PluginEntry) as the plugin saw it
  const char* build_tag;      // LIOUVILLE_BUILD_TAG as the plugin saw it
  const char* library_name;
  const char* library_version;
  const std::vector<ComponentInfo>* (*components)();
};

using PluginEntryFunction = const PluginEntry*();

inline constexpr const char* kPluginEntrySymbol = "liouville_plugin_entry_v1";

namespace detail {

// The components registered by this library. Hidden: every plugin has its own.
__attribute__((visibility("hidden"))) inline std::vector<ComponentInfo>& library_components() {
  static std::vector<ComponentInfo> components;
  return components;
}

}  // namespace detail
}  // namespace liouville
