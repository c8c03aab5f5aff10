// Training progress on stdout. On an interactive terminal one line per stage is
// redrawn in place: a bar, iteration/total, ETA, loss and it/s. Otherwise (a
// pipe, a CI log) a plain line is printed every `log_every` iterations, on the
// first and on the last.
#pragma once

#include <cstdio>
#include <optional>

#include "liouville/core/trainer.hpp"

namespace liouville::host {

class Progress {
 public:
  // `interactive`: redraw one line (use stdout_is_terminal()).
  Progress(std::FILE* out, bool interactive, long log_every, std::size_t stage_count);

  // `iterations`: the stage's most iterations (it may stop early).
  void report(const IterationRecord& record, long iterations);

  // Ends a redrawn line, so what is printed next starts on its own line.
  void end_line();

 private:
  void print_bar(const IterationRecord& record, long iterations, double rate);
  void print_plain(const IterationRecord& record, long iterations, double rate);

  std::FILE* out_;
  bool interactive_;
  long log_every_;
  std::size_t stage_count_;
  std::size_t stage_ = 0;
  double stage_start_seconds_ = 0;
  double last_print_seconds_ = 0;
  long last_print_iteration_ = 0;
  bool line_open_ = false;
  std::optional<EpochRecord> last_epoch_;
};

bool stdout_is_terminal();

}  // namespace liouville::host
