// BuildContext: what a plugin constructor may use besides its Params: the data
// dimension at its place in the pipeline, the model's parameter store (to
// allocate its named slices), a seeded generator for initialization, and the
// registry to build the components it composes (a CNF builds its vector field,
// solver and trace estimator by name, never by including another plugin).
// `with_dim` gives a context for components of another dimension (the inner
// levels of a multiscale flow), sharing the store, the generator and the registry.
// `thread_pool` is the pool a component may split its batches over (the
// experiment's `threads`); results must not depend on its size.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "liouville/core/component.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/core/thread_pool.hpp"
#include "liouville/registry/params.hpp"

namespace liouville {

class BuildContext {
 public:
  BuildContext() = default;
  BuildContext(const BuildContext&) = delete;
  BuildContext& operator=(const BuildContext&) = delete;
  virtual ~BuildContext();

  virtual Index dim() const = 0;
  virtual ParameterStore& parameters() = 0;
  virtual Rng& init_rng() = 0;

  // The same context for components of dimension `dim`. Optional: the default
  // throws NotSupported.
  virtual std::unique_ptr<BuildContext> with_dim(Index dim);

  // Builds a component described by `params` (its `type()` names the plugin).
  virtual std::shared_ptr<Component> create_component(std::string_view interface, const Params& params) = 0;

  // The component-typed entry `key` of `params`, as interface I.
  // Declared last so the earlier virtual slots keep their places. The default
  // is serial_thread_pool(): everything runs on the calling thread.
  virtual std::shared_ptr<ThreadPool> thread_pool();

  template <class I>
  std::shared_ptr<I> create(const Params& params, std::string_view key) {
    return cast<I>(create_component(I::kInterface, params.child(key)), params.child(key));
  }

  template <class I>
  std::vector<std::shared_ptr<I>> create_list(const Params& params, std::string_view key) {
    std::vector<std::shared_ptr<I>> made;
    for (const Params& item : params.children(key))
      made.push_back(cast<I>(create_component(I::kInterface, item), item));
    return made;
  }

 private:
  template <class I>
  static std::shared_ptr<I> cast(const std::shared_ptr<Component>& made, const Params& params) {
    auto typed = std::dynamic_pointer_cast<I>(made);
    if (!typed)
      throw PluginError(params.path() + ": plugin '" + params.type() + "' did not build a " +
                        std::string(I::kInterface));
    return typed;
  }
};

}  // namespace liouville
