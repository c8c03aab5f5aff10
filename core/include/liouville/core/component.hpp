// The common base of everything a plugin builds. Its key function lives in
// liouville_core, so vtables and typeinfo of every interface are shared by the
// host and all plugins (dynamic_cast across libraries works).
#pragma once

namespace liouville {

class Component {
 public:
  Component() = default;
  Component(const Component&) = delete;
  Component& operator=(const Component&) = delete;
  virtual ~Component();
};

}  // namespace liouville
