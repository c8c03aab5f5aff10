// A shared library that is not a Liouville plugin: it exports no entry point.
extern "C" __attribute__((visibility("default"))) int liouville_test_not_a_plugin() { return 42; }
