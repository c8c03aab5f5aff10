#include "liouville/registry/build_context.hpp"

namespace liouville {

BuildContext::~BuildContext() = default;

}  // namespace liouville
