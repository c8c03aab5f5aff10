// The search path: the default folder, LIOUVILLE_PLUGIN_PATH, then the config's
// `plugins:`; refused libraries are collected and the rest load.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include "loader_test_support.hpp"

namespace liouville::testing {
namespace {

namespace fs = std::filesystem;

// Sets an environment variable for the lifetime of the object.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnvironment() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_CASE("the default plugin folder is ../lib/liouville/plugins next to the executable") {
  CHECK(fs::weakly_canonical(Registry::default_plugin_dir()) == fs::weakly_canonical(LIOUVILLE_TEST_PLUGIN_DIR));
}

TEST_CASE("a folder of broken libraries is reported one by one while the good ones load") {
  ScopedEnvironment no_path("LIOUVILLE_PLUGIN_PATH", "");
  Registry registry;
  registry.load_search_path({loader_test_dir() / "good", loader_test_dir() / "broken"});
  CHECK(registry.find("Distribution", "test/gaussian") != nullptr);

  std::vector<std::string> refused;
  for (const LoadFailure& failure : registry.failures()) {
    if (failure.path.parent_path() != loader_test_dir() / "broken") continue;
    refused.push_back(failure.path.filename().string());
    CHECK(!failure.reason.empty());
    CHECK(!contains(failure.reason, "cannot load plugin"));  // the path is a field of its own
    if (failure.path == broken_plugin("wrong_abi")) CHECK(contains(failure.reason, "plugin ABI version mismatch"));
  }
  std::sort(refused.begin(), refused.end());
  CHECK(refused == std::vector<std::string>{
                       "liouville_loader_test_bad_schema.so", "liouville_loader_test_bare_name.so",
                       "liouville_loader_test_duplicate.so", "liouville_loader_test_empty.so",
                       "liouville_loader_test_invalid_name.so", "liouville_loader_test_no_entry.so",
                       "liouville_loader_test_throwing_components.so", "liouville_loader_test_throwing_declare.so",
                       "liouville_loader_test_throwing_entry.so", "liouville_loader_test_unknown_interface.so",
                       "liouville_loader_test_unresolved.so", "liouville_loader_test_wrong_abi.so",
                       "liouville_loader_test_wrong_size.so", "liouville_loader_test_wrong_tag.so"});
}

TEST_CASE("only files named liouville_*.so are loaded from a folder") {
  const auto dir = scratch_dir("names");
  fs::copy_file(good_plugin(), dir / "not_a_plugin_name.so");
  std::ofstream(dir / "liouville_notes.txt") << "ignored\n";
  ScopedEnvironment no_path("LIOUVILLE_PLUGIN_PATH", "");
  Registry registry;
  registry.load_search_path({dir});
  CHECK(registry.find("Distribution", "test/gaussian") == nullptr);
  CHECK(std::none_of(registry.failures().begin(), registry.failures().end(),
                     [&](const LoadFailure& failure) { return failure.path.parent_path() == dir; }));
}

TEST_CASE("LIOUVILLE_PLUGIN_PATH folders and files are searched, and a missing entry is reported") {
  const auto missing = loader_test_dir() / "no_such_folder";
  ScopedEnvironment path("LIOUVILLE_PLUGIN_PATH", (loader_test_dir() / "good").string() + "::" +
                                                      misbehaving_plugin().string() + ":" + missing.string());
  Registry registry;
  registry.load_search_path();
  CHECK(registry.find("Distribution", "test/gaussian") != nullptr);
  CHECK(registry.find("Distribution", "test/throws_config_error") != nullptr);
  const auto& failures = registry.failures();
  const auto found = std::find_if(failures.begin(), failures.end(),
                                  [&](const LoadFailure& failure) { return failure.path == missing; });
  REQUIRE(found != failures.end());
  CHECK(contains(found->reason, "does not exist"));
}

TEST_CASE("a library met twice on the search path is loaded once and reported once") {
  ScopedEnvironment path("LIOUVILLE_PLUGIN_PATH", broken_plugin("empty").string());
  Registry registry;
  registry.load_search_path({good_plugin(), good_plugin(), broken_plugin("empty")});
  const std::string good = fs::canonical(good_plugin()).string();
  const auto listed = registry.list();
  CHECK(std::count_if(listed.begin(), listed.end(),
                      [&](const RegisteredComponent* component) { return component->library_path == good; }) == 3);
  CHECK(std::count_if(registry.failures().begin(), registry.failures().end(),
                      [](const LoadFailure& failure) { return failure.path == broken_plugin("empty"); }) == 1);
}

}  // namespace
}  // namespace liouville::testing
