// Throughput of the CSV and NPY readers and writers on n samples of dimension d
// (files in the temporary folder): the best of several repetitions, in samples
// per second and MB per second of file. Prints figures; asserts nothing.
//
//   bench_datafiles [N] [D] [REPETITIONS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "liouville/core/io/csv.hpp"
#include "liouville/core/io/npy.hpp"
#include "liouville/core/rng.hpp"

using namespace liouville;

namespace {

double best_seconds(int repetitions, const std::function<void()>& work) {
  double best = 1e300;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    work();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

void report(const char* what, double seconds, Index samples, std::uintmax_t bytes) {
  std::printf("  %-10s %8.1f ms  %7.2f M samples/s  %7.1f MB/s\n", what, 1e3 * seconds,
              static_cast<double>(samples) / seconds / 1e6, static_cast<double>(bytes) / seconds / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const Index n = argc > 1 ? std::stol(argv[1]) : 1000000;
  const Index d = argc > 2 ? std::stol(argv[2]) : 2;
  const int repetitions = argc > 3 ? std::stoi(argv[3]) : 3;
  Matrix x(d, n);
  Rng(1).fill_normal(x);
  const auto folder = std::filesystem::temp_directory_path();
  const auto csv = folder / "liouville_bench.csv", npy = folder / "liouville_bench.npy";

  std::string text, bytes;
  const double write_csv = best_seconds(repetitions, [&] { text = io::samples_to_csv(x); });
  const double write_npy = best_seconds(repetitions, [&] { bytes = io::samples_to_npy(x); });
  std::ofstream(csv, std::ios::binary) << text;
  std::ofstream(npy, std::ios::binary) << bytes;
  Matrix back;
  const double read_csv = best_seconds(repetitions, [&] { back = io::read_csv(csv).samples; });
  const bool csv_exact = back == x;
  const double read_npy = best_seconds(repetitions, [&] { back = io::read_npy(npy); });
  const bool npy_exact = back == x;

  std::printf("%ld samples of dimension %ld, best of %d\n", static_cast<long>(n), static_cast<long>(d),
              repetitions);
  report("encode csv", write_csv, n, text.size());
  report("read csv", read_csv, n, text.size());
  report("encode npy", write_npy, n, bytes.size());
  report("read npy", read_npy, n, bytes.size());
  std::printf("  round trips exact: csv %s, npy %s\n", csv_exact ? "yes" : "no", npy_exact ? "yes" : "no");
  std::filesystem::remove(csv);
  std::filesystem::remove(npy);
  return 0;
}
