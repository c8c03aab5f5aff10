// ThreadPool: a fixed set of worker threads that run the tasks 0 .. n-1 of a
// `parallel_for` and block the caller until all of them are done.
//
// The caller works too: it claims tasks of its own call like any worker, so a
// pool of `threads` threads starts threads - 1 workers, a pool of one runs
// everything on the caller, and a task may itself call parallel_for on the same
// pool without deadlock (its thread keeps claiming the inner tasks). Calls from
// several threads at once are queued. Between calls a worker, and a caller
// waiting for the last tasks of its call, poll for up to kSpin (yielding the
// core at each poll) before sleeping on a condition variable: waking a sleeping
// thread takes tens of microseconds on a virtual machine, as long as a chunk of
// an ODE right-hand side, and a solve issues its calls back to back.
//
// Which thread runs which task is left to chance, so a result that must not
// depend on the number of threads has to be combined by task index (each task
// writes its own output; the caller reduces them in order).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville {

class ThreadPool {
 public:
  // `threads` >= 1 counts the caller; 0 means one per hardware thread
  // (std::thread::hardware_concurrency). A negative count is a ConfigError.
  explicit ThreadPool(long threads);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();

  static constexpr std::chrono::microseconds kSpin{200};

  // The number of threads that run tasks, the caller included.
  Index size() const { return static_cast<Index>(workers_.size()) + 1; }

  // Runs task(i) for i = 0 .. tasks - 1 and returns when all have finished.
  // Every task runs even if another throws; then the exception of the lowest
  // task index is rethrown here.
  void parallel_for(Index tasks, const std::function<void(Index)>& task);

 private:
  struct Job;

  void work();
  // Takes `job` out of the queue once its last task is claimed.
  void forget(const Job& job);
  // Runs claimed tasks of `job` until none is left to claim; `lock` is held on
  // entry and exit and released around each task.
  void run_tasks(Job& job, std::unique_lock<std::mutex>& lock);

  std::mutex mutex_;
  std::condition_variable work_available_;
  std::atomic<std::uint64_t> jobs_posted_{0};  // read without the lock while spinning
  std::deque<std::shared_ptr<Job>> queue_;     // jobs with tasks left to claim
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// A pool of one thread (the caller), shared by everything built without one.
std::shared_ptr<ThreadPool> serial_thread_pool();

}  // namespace liouville
