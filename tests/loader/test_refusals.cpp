// Every way a library can be refused: each error names the file, the reason and
// the fix, and the registry goes on working.
#include <doctest/doctest.h>

#include "loader_test_support.hpp"

namespace liouville::testing {
namespace {

namespace fs = std::filesystem;

// After a refusal nothing of the library is registered and a good library still loads and builds.
void check_still_works(Registry& registry) {
  registry.load_library(good_plugin());
  REQUIRE(registry.find("Distribution", "test/gaussian") != nullptr);
  ParameterStore store;
  Rng rng(1);
  RegistryBuildContext context(registry, store, rng, 2);
  Params params("base", "test/gaussian");
  params.set("scale", 2.0);
  params.set("shift", 0.0);
  auto made = registry.create("Distribution", params, context);
  CHECK(std::dynamic_pointer_cast<Distribution>(made)->dim() == 2);
}

TEST_CASE("a plugin with another ABI version is refused") {
  Registry registry;
  const auto path = broken_plugin("wrong_abi");
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "plugin ABI version mismatch: expected 3, got 4"));
  CHECK(contains(message, "rebuild the plugin against this Liouville"));
  CHECK(registry.find("Distribution", "test/broken_entry") == nullptr);
  check_still_works(registry);
}

TEST_CASE("a plugin with another entry size is refused") {
  Registry registry;
  const auto path = broken_plugin("wrong_size");
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "plugin entry size mismatch: expected " + std::to_string(sizeof(PluginEntry)) +
                              " bytes, got " + std::to_string(sizeof(PluginEntry) - sizeof(void*))));
  check_still_works(registry);
}

TEST_CASE("a plugin built with another compiler, library or Eigen is refused showing both build tags") {
  Registry registry;
  const auto path = broken_plugin("wrong_tag");
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "build tag mismatch"));
  CHECK(contains(message, std::string("expected '") + LIOUVILLE_BUILD_TAG + "'"));
  CHECK(contains(message, "got 'clang-0.0/other-stdlib/scalar-float/eigen-3.3.0/align16'"));
  CHECK(contains(message, "rebuild the plugin against this Liouville"));
  check_still_works(registry);
}

TEST_CASE("a shared library without the entry point is not a Liouville plugin") {
  Registry registry;
  const auto path = broken_plugin("no_entry");
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "not a Liouville plugin"));
  CHECK(contains(message, "liouville_plugin_entry_v1"));
  CHECK(contains(message, "was it built with liouville_add_plugin()?"));
  check_still_works(registry);
}

TEST_CASE("a throwing declare() refuses the whole library") {
  Registry registry;
  const auto path = broken_plugin("throwing_declare");
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "declare() of Distribution 'test/throwing_declare' threw: declare failed on purpose"));
  CHECK(registry.list().empty());
  check_still_works(registry);
}

TEST_CASE("a name registered by two libraries is refused naming both") {
  Registry registry;
  registry.load_library(good_plugin());
  const auto path = broken_plugin("duplicate");
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "Distribution 'test/gaussian' is already registered by '" +
                              fs::canonical(good_plugin()).string() + "'"));
  CHECK(registry.find("Distribution", "test/gaussian")->library_path == fs::canonical(good_plugin()).string());
  check_still_works(registry);
}

TEST_CASE("a library that registers nothing is refused") {
  Registry registry;
  const auto path = broken_plugin("empty");
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "registers no components"));
  CHECK(contains(message, "LIOUVILLE_REGISTER"));
  check_still_works(registry);
}

TEST_CASE("a library with an unresolved symbol is refused with the loader's message") {
  Registry registry;
  const auto path = broken_plugin("unresolved");
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "the dynamic loader refused it"));
  CHECK(contains(message, "liouville_test_undefined_function"));
  check_still_works(registry);
}

TEST_CASE("a schema whose default breaks its own rule is refused") {
  Registry registry;
  const auto path = broken_plugin("bad_schema");
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "the schema of Distribution 'test/bad_schema' is invalid"));
  CHECK(contains(message, "rate = -1 violates rate > 0"));
  check_still_works(registry);
}

TEST_CASE("a text file named like a plugin is refused") {
  Registry registry;
  const auto path = scratch_dir("text") / "liouville_text.so";
  std::ofstream(path) << "not a library\n";
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "not a shared library: the file does not start with the ELF magic bytes"));
  check_still_works(registry);
}

TEST_CASE("a truncated plugin is refused") {
  Registry registry;
  const auto path = scratch_dir("truncated") / "liouville_truncated.so";
  {
    std::ifstream good(good_plugin(), std::ios::binary);
    std::string head(1024, '\0');
    REQUIRE(good.read(head.data(), static_cast<std::streamsize>(head.size())));
    std::ofstream(path, std::ios::binary) << head;
  }
  REQUIRE(fs::file_size(path) == 1024);
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message, "the file is truncated: "));
  CHECK(contains(message, "but the file has 1024 bytes; rebuild or reinstall the plugin"));
  check_still_works(registry);
}

TEST_CASE("an entry point or a component list that throws is refused") {
  Registry registry;
  const auto entry = broken_plugin("throwing_entry");
  const std::string entry_message = load_error(registry, entry);
  INFO(entry_message);
  CHECK(contains(entry_message, entry.string()));
  CHECK(contains(entry_message, "its entry point threw: the entry point failed on purpose"));
  const auto components = broken_plugin("throwing_components");
  const std::string components_message = load_error(registry, components);
  INFO(components_message);
  CHECK(contains(components_message, components.string()));
  CHECK(contains(components_message, "its component list threw: the component list failed on purpose"));
  CHECK(registry.list().empty());
  check_still_works(registry);
}

TEST_CASE("a component registered under an unknown interface is refused listing the known ones") {
  Registry registry;
  const auto path = broken_plugin("unknown_interface");
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, path.string()));
  CHECK(contains(message,
                 "Bijektion 'test/misspelled_interface' is registered under an unknown interface; "
                 "known interfaces: "));
  CHECK(contains(message, "Bijection"));
  check_still_works(registry);
}

TEST_CASE("a third-party name must be 'vendor/name'") {
  Registry registry;
  const auto bare = broken_plugin("bare_name");
  const std::string bare_message = load_error(registry, bare);
  INFO(bare_message);
  CHECK(contains(bare_message, bare.string()));
  CHECK(contains(bare_message,
                 "Distribution 'gaussian' has no vendor prefix: bare names are reserved for the "
                 "plugins in '" +
                     Registry::default_plugin_dir().string() + "'"));
  CHECK(contains(bare_message, "registers 'vendor/gaussian'"));
  const auto invalid = broken_plugin("invalid_name");
  const std::string invalid_message = load_error(registry, invalid);
  INFO(invalid_message);
  CHECK(contains(invalid_message,
                 "Distribution 'Acme/Spline Flow' has an invalid name: expected 'name' or "
                 "'vendor/name' of lowercase letters, digits and '_'"));
  CHECK(registry.list().empty());
  check_still_works(registry);
}

TEST_CASE("a group-writable plugin file is refused with its mode and the fix") {
  const auto dir = scratch_dir("group_writable");
  const auto path = dir / "liouville_copy.so";
  fs::copy_file(good_plugin(), path);
  fs::permissions(path,
                  fs::perms::owner_all | fs::perms::group_all | fs::perms::others_read | fs::perms::others_exec);
  Registry registry;
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, "cannot load plugin '" + path.string() + "'"));
  CHECK(contains(message, "the file '" + path.string() + "' is group-writable"));
  CHECK(contains(message, "expected no write permission for group and others, got mode 0775"));
  CHECK(contains(message, "Run `chmod go-w " + path.string() + "`"));
  CHECK(registry.list().empty());

  fs::permissions(path, fs::perms::group_write, fs::perm_options::remove);  // the fix the message gives
  registry.load_library(path);
  CHECK(registry.find("Distribution", "test/gaussian") != nullptr);
}

TEST_CASE("a plugin in a world-writable folder is refused, also through a symbolic link") {
  const auto dir = scratch_dir("world_writable");
  const auto path = dir / "liouville_copy.so";
  fs::copy_file(good_plugin(), path);
  fs::permissions(dir, fs::perms::others_write, fs::perm_options::add);
  Registry registry;
  const std::string message = load_error(registry, path);
  INFO(message);
  CHECK(contains(message, "its folder '" + dir.string() + "' is world-writable"));
  CHECK(contains(message, "got mode 0757"));
  CHECK(contains(message, "Run `chmod go-w " + dir.string() + "`"));

  const auto safe = scratch_dir("safe_link");
  fs::create_symlink(path, safe / "liouville_link.so");
  CHECK(contains(load_error(registry, safe / "liouville_link.so"), "its folder '" + dir.string() + "'"));
  fs::permissions(dir, fs::perms::others_write, fs::perm_options::remove);
  check_still_works(registry);
}

TEST_CASE("the test plugins and their folders are writable by their owner only") {
  for (const fs::path& path : {good_plugin(), good_plugin().parent_path(), broken_plugin("empty").parent_path(),
                               Registry::default_plugin_dir()}) {
    INFO(path.string());
    const fs::perms mode = fs::status(path).permissions();
    CHECK((mode & (fs::perms::group_write | fs::perms::others_write)) == fs::perms::none);
  }
}

TEST_CASE("a missing file or a folder is refused") {
  Registry registry;
  const auto dir = scratch_dir("missing");
  CHECK(contains(load_error(registry, dir / "liouville_none.so"), "the file does not exist"));
  CHECK(contains(load_error(registry, dir), "not a regular file"));
  check_still_works(registry);
}

}  // namespace
}  // namespace liouville::testing
