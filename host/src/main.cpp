// liouville: train, evaluate and sample normalizing flows from YAML pipelines.
//
//   liouville train CONFIG [--set key.path=value ...] [--out DIR]
//   liouville train --resume RUN_DIR|CHECKPOINT [--set key.path=value ...] [--out DIR]
//   liouville eval RUN_DIR|CHECKPOINT [--json]
//   liouville sample RUN_DIR|CHECKPOINT [--n N] [--out FILE] [--json]
//   liouville density RUN_DIR|CHECKPOINT [--points N] [--range LO HI] [--out FILE] [--json]
//   liouville plot RUN_DIR [--recompute]
//   liouville plugins [describe NAME] [--markdown] [--plugin-path DIR ...]
//   liouville validate CONFIG [--set ...]
//   liouville config CONFIG [--set ...]
#include <algorithm>
#include <boost/program_options.hpp>
#include <iostream>

#include "commands.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/registry/config.hpp"
#include "memory_reuse.hpp"

namespace po = boost::program_options;
using namespace liouville;
using namespace liouville::host;

namespace {

constexpr const char* kUsage =
    "usage: liouville <command> [arguments]\n"
    "commands:\n"
    "  train CONFIG      train the pipeline of a YAML config; writes a run folder\n"
    "  eval TARGET       held-out NLL and metrics of a trained model (run folder or checkpoint)\n"
    "  sample TARGET     draw samples through the inverse flow\n"
    "  density TARGET    log-density on a 1-D or 2-D grid, with the grid's total mass\n"
    "  plot RUN_DIR      render the run's plots again (PNG and SVG, by gnuplot)\n"
    "  plugins           list the installed plugins ('plugins describe NAME' for one)\n"
    "  validate CONFIG   check a config without running anything\n"
    "  config CONFIG     print the effective config with defaults filled in\n"
    "run 'liouville <command> --help' for the options of a command\n";

struct Parsed {
  po::variables_map values;
  std::vector<std::string> positional;
};

// Parses argv after the command word; --help prints the options and returns nothing.
std::optional<Parsed> parse(int argc, char** argv, const std::string& usage, po::options_description options,
                            int max_positional, int min_positional = 1) {
  options.add_options()("help,h", "show this help");
  po::options_description all(options);
  all.add_options()("positional", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("positional", -1);
  Parsed parsed;
  po::store(po::command_line_parser(argc - 1, argv + 1).options(all).positional(positional).run(), parsed.values);
  po::notify(parsed.values);
  if (parsed.values.count("help")) {
    std::cout << usage << '\n' << options;
    return std::nullopt;
  }
  if (parsed.values.count("positional"))
    parsed.positional = parsed.values["positional"].as<std::vector<std::string>>();
  if (static_cast<int>(parsed.positional.size()) > max_positional ||
      static_cast<int>(parsed.positional.size()) < min_positional)
    throw po::error("expected " +
                    std::string(max_positional == 0   ? "no argument"
                                : max_positional == 1 ? "one argument"
                                                      : "at most two arguments") +
                    "\n" + usage);
  return parsed;
}

po::options_description config_options() {
  po::options_description options("options");
  options.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                        "override a config value: key.path=value (repeatable)");
  return options;
}

ConfigArguments config_arguments(const Parsed& parsed) {
  ConfigArguments arguments{parsed.positional.front(), {}};
  if (parsed.values.count("set")) arguments.overrides = parsed.values["set"].as<std::vector<std::string>>();
  return arguments;
}

std::optional<std::filesystem::path> optional_path(const Parsed& parsed, const char* name) {
  if (!parsed.values.count(name)) return std::nullopt;
  return std::filesystem::path(parsed.values[name].as<std::string>());
}

int run(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? kBadInput : kSuccess;
  }
  const std::string command = argv[1];
  if (command == "train") {
    po::options_description options = config_options();
    options.add_options()("out,o", po::value<std::string>(), "run folder (default runs/<config name>)")(
        "resume", po::value<std::string>(),
        "continue the run of a run folder or checkpoint (its config, with --set applied; writes to its folder)")(
        "stop-after", po::value<long>()->default_value(0),
        "stop at the first checkpoint once this many iterations have run (see train.checkpoint_every)");
    const std::string usage =
        "usage: liouville train CONFIG [--set key=value ...] [--out DIR]\n"
        "       liouville train --resume RUN_DIR|CHECKPOINT [--set key=value ...] [--out DIR]";
    const bool resume = std::any_of(
        argv + 2, argv + argc, [](const char* word) { return std::string_view(word).starts_with("--resume"); });
    auto parsed = parse(argc, argv, usage, options, resume ? 0 : 1, resume ? 0 : 1);
    if (!parsed) return kSuccess;
    const long stop_after = parsed->values["stop-after"].as<long>();
    if (stop_after < 0) throw po::error("--stop-after must not be negative");
    if (!resume)
      return train({config_arguments(*parsed), optional_path(*parsed, "out"), std::nullopt, stop_after});
    ConfigArguments overrides;
    if (parsed->values.count("set")) overrides.overrides = parsed->values["set"].as<std::vector<std::string>>();
    return train({overrides, optional_path(*parsed, "out"), optional_path(*parsed, "resume"), stop_after});
  }
  if (command == "validate" || command == "config") {
    auto parsed =
        parse(argc, argv, "usage: liouville " + command + " CONFIG [--set key=value ...]", config_options(), 1);
    if (!parsed) return kSuccess;
    return command == "validate" ? validate(config_arguments(*parsed)) : print_config(config_arguments(*parsed));
  }
  if (command == "eval" || command == "sample" || command == "density") {
    po::options_description options("options");
    options.add_options()("json", po::bool_switch(), "print machine-readable JSON")(
        "threads", po::value<long>(), "threads to split batches over, instead of the config's (0: one per core)");
    if (command != "eval")
      options.add_options()("out,o", po::value<std::string>(),
                            command == "sample" ? "output file, CSV or NPY by its extension" : "output CSV file");
    if (command == "sample")
      options.add_options()("n,n", po::value<long>()->default_value(10000), "number of samples");
    if (command == "density") {
      options.add_options()("points", po::value<long>()->default_value(200), "grid points per dimension")(
          "range", po::value<std::vector<double>>()->multitoken(), "LO HI of the grid in every dimension");
    }
    auto parsed = parse(argc, argv, "usage: liouville " + command + " RUN_DIR|CHECKPOINT [options]", options, 1);
    if (!parsed) return kSuccess;
    ModelArguments model{parsed->positional.front(), parsed->values["json"].as<bool>(), std::nullopt};
    if (parsed->values.count("threads")) {
      model.threads = parsed->values["threads"].as<long>();
      if (*model.threads < 0) throw po::error("--threads must not be negative");
    }
    if (command == "eval") return evaluate(model);
    if (command == "sample") {
      const long n = parsed->values["n"].as<long>();
      if (n < 1) throw po::error("--n must be at least 1");
      return sample(model, n, optional_path(*parsed, "out"));
    }
    const long points = parsed->values["points"].as<long>();
    if (points < 2) throw po::error("--points must be at least 2");
    std::optional<std::vector<double>> range;
    if (parsed->values.count("range")) {
      range = parsed->values["range"].as<std::vector<double>>();
      if (range->size() != 2 || !((*range)[0] < (*range)[1])) throw po::error("--range takes two numbers LO < HI");
    }
    return density(model, points, range, optional_path(*parsed, "out"));
  }
  if (command == "plot") {
    po::options_description options("options");
    options.add_options()("recompute", po::bool_switch(),
                          "recompute the plots' data and scripts from the checkpoint and metrics");
    auto parsed = parse(argc, argv, "usage: liouville plot RUN_DIR [--recompute]", options, 1);
    if (!parsed) return kSuccess;
    return plot(parsed->positional.front(), parsed->values["recompute"].as<bool>());
  }
  if (command == "plugins") {
    po::options_description options("options");
    options.add_options()("markdown", po::bool_switch(), "print a Markdown reference of every plugin")(
        "plugin-path", po::value<std::vector<std::string>>()->composing(), "extra plugin folder or file");
    std::vector<char*> args(argv, argv + argc);
    args.push_back(const_cast<char*>("list"));  // `plugins` alone means `plugins list`
    auto parsed = parse(static_cast<int>(args.size()), args.data(),
                        "usage: liouville plugins [describe NAME] [--markdown] [--plugin-path DIR]", options, 3);
    if (!parsed) return kSuccess;
    std::vector<std::filesystem::path> extra;
    if (parsed->values.count("plugin-path"))
      for (const auto& p : parsed->values["plugin-path"].as<std::vector<std::string>>()) extra.emplace_back(p);
    const auto& words = parsed->positional;
    if (words.front() == "describe" && words.size() == 3) return describe_plugin(extra, words[1]);
    if (words.front() == "list") return list_plugins(extra, parsed->values["markdown"].as<bool>());
    throw po::error("usage: liouville plugins [describe NAME] [--markdown]");
  }
  std::cerr << "error: unknown command '" << command << "'\n" << kUsage;
  return kBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_memory();
  try {
    return run(argc, argv);
  } catch (const po::error& error) {
    std::cerr << "error: " << error.what() << '\n';
    return kBadInput;
  } catch (const ConfigErrors& errors) {
    std::cerr << errors.what() << '\n';
    return kBadInput;
  } catch (const PluginError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return kPluginFailure;
  } catch (const ConfigError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return kBadInput;
  } catch (const DataError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return kBadInput;
  } catch (const Error& error) {
    std::cerr << "error: " << error.what() << '\n';
    return kRunFailure;
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << '\n';
    return kRunFailure;
  }
}
