// The one header a plugin author includes.
//
//   #include <liouville/plugin.hpp>
//
//   class Radial final : public liouville::Bijection {
//    public:
//     static constexpr std::string_view kName = "acme/radial";
//     static constexpr std::string_view kSummary = "Radial flow (Rezende and Mohamed 2015).";
//     static void declare(liouville::Schema& schema);
//     Radial(const liouville::Params& params, liouville::BuildContext& context);
//     ...
//   };
//   LIOUVILLE_REGISTER(liouville::Bijection, Radial)
//
// Build it with liouville_add_plugin(NAME SOURCES ...) in CMake, which generates
// the library's entry point.
#pragma once

#include <memory>
#include <type_traits>

#include "liouville/core/bijection.hpp"
#include "liouville/core/dataset.hpp"
#include "liouville/core/distribution.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/ode_solver.hpp"
#include "liouville/core/optimizer.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/core/trace_estimator.hpp"
#include "liouville/core/vector_field.hpp"
#include "liouville/registry/build_context.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/plugin_entry.hpp"
#include "liouville/registry/schema.hpp"

namespace liouville::detail {

template <class Interface, class Class>
struct Registrar {
  Registrar() {
    static_assert(std::is_base_of_v<Interface, Class>, "the class must implement the interface it registers for");
    static_assert(std::is_constructible_v<Class, const Params&, BuildContext&>,
                  "the class needs a constructor (const liouville::Params&, liouville::BuildContext&)");
    library_components().push_back(
        ComponentInfo{Interface::kInterface, Class::kName, Class::kSummary, &Class::declare,
                      [](const Params& params, BuildContext& context) -> std::unique_ptr<Component> {
                        return std::make_unique<Class>(params, context);
                      }});
  }
};

}  // namespace liouville::detail

#define LIOUVILLE_DETAIL_CONCAT2(a, b) a##b
#define LIOUVILLE_DETAIL_CONCAT(a, b) LIOUVILLE_DETAIL_CONCAT2(a, b)

// Registers Class (a subclass of Interface) with this plugin library.
#define LIOUVILLE_REGISTER(Interface, Class)                                                           \
  namespace {                                                                                          \
  const ::liouville::detail::Registrar<Interface, Class> LIOUVILLE_DETAIL_CONCAT(liouville_registrar_, \
                                                                                 __LINE__){};          \
  }
