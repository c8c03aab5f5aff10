#include "liouville/registry/build_context.hpp"

#include <string>

namespace liouville {

BuildContext::~BuildContext() = default;

std::unique_ptr<BuildContext> BuildContext::with_dim(Index dim) {
  throw NotSupported("this build context cannot build components of another dimension (" + std::to_string(dim) +
                     "); a multiscale flow needs one that can");
}

std::shared_ptr<ThreadPool> BuildContext::thread_pool() { return serial_thread_pool(); }

}  // namespace liouville
