// A plugin that registers nothing.
namespace liouville::testing {

int empty_plugin_marker() { return 0; }

}  // namespace liouville::testing
