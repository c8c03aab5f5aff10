// The Markdown configuration reference (`liouville plugins --markdown`): every key
// of an experiment config and every parameter of every loaded plugin, from their
// schemas. Plugins come sorted by interface, then name, and no path of the machine
// appears, so the same plugins always give the same text (docs/config-reference.md
// is this output, checked by the `config_reference` test).
#pragma once

#include <ostream>

#include "liouville/registry/registry.hpp"

namespace liouville::host {

void write_config_reference(std::ostream& out, const Registry& registry);

}  // namespace liouville::host
