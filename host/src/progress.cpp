#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace liouville::host {
namespace {

constexpr double kRedrawSeconds = 0.1;  // at most ten redraws a second
constexpr int kBarWidth = 24;

// "1:02:03" or "2:03".
std::string clock_text(double seconds) {
  const long total = std::lround(std::max(0.0, seconds));
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  else
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  return text;
}

}  // namespace

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

Progress::Progress(std::FILE* out, bool interactive, long log_every, std::size_t stage_count)
    : out_(out), interactive_(interactive), log_every_(log_every), stage_count_(stage_count) {}

void Progress::report(const IterationRecord& record, long iterations) {
  if (record.stage != stage_ || record.iteration == 1) {
    end_line();
    stage_ = record.stage;
    stage_start_seconds_ = last_print_seconds_;  // the previous stage's end, or the start of training
    last_print_iteration_ = 0;
    last_epoch_.reset();
  }
  if (record.epoch_end) last_epoch_ = record.epoch_end;
  const bool first_or_last = record.iteration == 1 || record.iteration == iterations;
  if (interactive_) {
    if (!first_or_last && record.seconds - last_print_seconds_ < kRedrawSeconds) return;
    // The stage's mean rate, which makes a steadier ETA than the latest interval's.
    const double rate = record.iteration / std::max(record.seconds - stage_start_seconds_, 1e-9);
    print_bar(record, iterations, rate);
  } else {
    if (!first_or_last && record.iteration % log_every_ != 0) return;
    const double rate =
        (record.iteration - last_print_iteration_) / std::max(record.seconds - last_print_seconds_, 1e-9);
    print_plain(record, iterations, rate);
  }
  std::fflush(out_);
  last_print_seconds_ = record.seconds;
  last_print_iteration_ = record.iteration;
}

void Progress::end_line() {
  if (!line_open_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  line_open_ = false;
}

void Progress::print_bar(const IterationRecord& record, long iterations, double rate) {
  const double done =
      std::clamp(static_cast<double>(record.iteration) / static_cast<double>(iterations), 0.0, 1.0);
  const int filled = static_cast<int>(done * kBarWidth);
  const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                          std::string(static_cast<std::size_t>(kBarWidth - filled), '.');
  const double eta = static_cast<double>(iterations - record.iteration) / std::max(rate, 1e-9);
  // \r returns to the line start and \033[K clears what a longer line left behind.
  std::fprintf(out_, "\r[%zu/%zu %s] [%s] %ld/%ld  ETA %s  loss %.6f  %.1f it/s\033[K", record.stage + 1,
               stage_count_, record.stage_name.c_str(), bar.c_str(), record.iteration, iterations,
               clock_text(eta).c_str(), record.loss, rate);
  line_open_ = true;
}

void Progress::print_plain(const IterationRecord& record, long iterations, double rate) {
  std::string epoch_text;
  if (last_epoch_) {
    char text[96];
    std::snprintf(text, sizeof text, "  epoch %ld train %.6f", last_epoch_->epoch, last_epoch_->train_nll);
    epoch_text = text;
    if (!std::isnan(last_epoch_->validation_nll)) {
      std::snprintf(text, sizeof text, " val %.6f", last_epoch_->validation_nll);
      epoch_text += text;
    }
  }
  std::fprintf(out_, "[%zu/%zu %s] iter %5ld/%ld  loss %.6f  |g| %.3e%s  nfe %ld  %.1f it/s\n", record.stage + 1,
               stage_count_, record.stage_name.c_str(), record.iteration, iterations, record.loss,
               record.gradient_norm, epoch_text.c_str(), record.function_evaluations, rate);
}

}  // namespace liouville::host
