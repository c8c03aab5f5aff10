// An ODE solver plugin made from a Butcher tableau: the method supplies its
// name, a one-line summary and its tableau; the step, the reverse pass and the
// step control are the shared ones (ExplicitRungeKutta, declare_step_control).
// A method with an embedded error estimate (tableau().e not empty) steps
// adaptively or with fixed steps; one without takes fixed steps only.
//
//   struct BogackiShampine {
//     static constexpr std::string_view kName = "bosh3";
//     static constexpr std::string_view kSummary = "Bogacki-Shampine 3(2) pair ...";
//     static liouville::ButcherTableau tableau();
//   };
//   LIOUVILLE_REGISTER(liouville::ODESolver, liouville::TableauSolver<BogackiShampine>)
#pragma once

#include <string_view>

#include "liouville/core/butcher_tableau.hpp"
#include "liouville/registry/build_context.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/schema.hpp"
#include "liouville/registry/step_control_schema.hpp"

namespace liouville {

template <class Method>
class TableauSolver final : public ExplicitRungeKutta {
 public:
  static constexpr std::string_view kName = Method::kName;
  static constexpr std::string_view kSummary = Method::kSummary;

  static void declare(Schema& schema) {
    const bool embedded = Method::tableau().e.size() != 0;
    declare_step_control(schema, embedded ? StepSizing::kAdaptiveOrFixed : StepSizing::kFixedOnly);
  }

  TableauSolver(const Params& params, BuildContext&)
      : ExplicitRungeKutta(Method::tableau(), read_step_control(params)) {}
};

}  // namespace liouville
