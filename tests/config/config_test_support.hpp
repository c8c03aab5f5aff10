// The schema and registry the config tests bind against: a small experiment
// (data, model, train, output) over the loader suite's test plugins.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "liouville/core/dataset.hpp"
#include "liouville/core/distribution.hpp"
#include "liouville/registry/config.hpp"

namespace liouville::testing {

inline Schema experiment_schema() {
  Schema top;
  top.component("data", Dataset::kInterface).required().doc("Training data.");
  Schema& model = top.section("model", "The flow.");
  model.component("base", Distribution::kInterface).default_value("test/gaussian").doc("Base density.");
  model.component_list("flow", Distribution::kInterface).required().min_size(1).doc("Layers.");
  Schema& train = top.section("train", "Training.");
  train.integer("seed").default_value(0).min(0).doc("Seed.");
  Schema& stages = train.section_list("stages", "Training stages.");
  stages.integer("iterations").required().min(1).doc("Iterations.");
  stages.real("lr").default_value(Value{1e-3}).greater_than(0).doc("Learning rate.");
  stages.choice("optimizer", {"adam", "lbfgs"}).default_value("adam").doc("Optimizer.");
  top.path("output").default_value("runs/out").doc("Output folder.");
  return top;
}

// A registry with the good test plugin (and, if asked, a refused one).
inline const Registry& test_registry(bool with_failure = false) {
  static const Registry plain = [] {
    Registry registry;
    registry.load_library(LIOUVILLE_CONFIG_GOOD_PLUGIN);
    return registry;
  }();
  static const Registry failing = [] {
    Registry registry;
    registry.load_search_path({LIOUVILLE_CONFIG_GOOD_PLUGIN, LIOUVILLE_CONFIG_BROKEN_PLUGIN});
    return registry;
  }();
  return with_failure ? failing : plain;
}

// The ConfigErrors binding `text` throws ("" when it binds).
inline std::string bind_errors(const std::string& text, const Registry& registry = test_registry()) {
  try {
    bind(ConfigDocument::from_string(text, "configs/test.yaml"), experiment_schema(), registry);
  } catch (const ConfigErrors& errors) {
    return errors.what();
  }
  return "";
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace liouville::testing
