// The top-level schema of an experiment config (the keys outside any plugin).
#pragma once

#include "liouville/registry/schema.hpp"

namespace liouville::host {

inline constexpr long kConfigFormatVersion = 1;

// liouville, seed, plugins, data, model {base, flow}, train {batch_size, log_every,
// stages [{optimizer, iterations}]}, eval {n, samples}.
Schema experiment_schema();

}  // namespace liouville::host
