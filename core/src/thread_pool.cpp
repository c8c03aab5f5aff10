#include "liouville/core/thread_pool.hpp"

#include <algorithm>
#include <exception>
#include <string>

#include "liouville/core/errors.hpp"

namespace liouville {

struct ThreadPool::Job {
  Index tasks = 0;
  const std::function<void(Index)>* task = nullptr;
  Index next = 0;                  // the next task to claim
  std::atomic<Index> finished{0};  // written under the lock, read without it while spinning
  Index error_index = -1;          // the lowest task index that threw
  std::exception_ptr error;
  std::condition_variable all_finished;
};

namespace {

// Polls `done()` until it holds or kSpin has passed; returns done(). Each poll
// yields the core, so a spinning thread never holds up another that has work
// (on a machine with fewer free cores than threads).
template <class Done>
bool spin_until(const Done& done) {
  const auto deadline = std::chrono::steady_clock::now() + ThreadPool::kSpin;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

long resolve_thread_count(long threads) {
  if (threads < 0)
    throw ConfigError("thread pool: threads = " + std::to_string(threads) +
                      " is negative; give a count >= 1, or 0 for every hardware thread");
  if (threads > 0) return threads;
  return std::max(1L, static_cast<long>(std::thread::hardware_concurrency()));
}

}  // namespace

ThreadPool::ThreadPool(long threads) {
  const long count = resolve_thread_count(threads);
  workers_.reserve(static_cast<std::size_t>(count - 1));
  for (long i = 1; i < count; ++i) workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_available_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::forget(const Job& job) {
  const auto queued =
      std::find_if(queue_.begin(), queue_.end(), [&job](const auto& item) { return item.get() == &job; });
  if (queued != queue_.end()) queue_.erase(queued);
}

void ThreadPool::run_tasks(Job& job, std::unique_lock<std::mutex>& lock) {
  while (job.next < job.tasks) {
    const Index index = job.next++;
    if (job.next == job.tasks) forget(job);
    lock.unlock();
    std::exception_ptr error;
    try {
      (*job.task)(index);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error && (job.error_index < 0 || index < job.error_index)) {
      job.error_index = index;
      job.error = error;
    }
    if (++job.finished == job.tasks) job.all_finished.notify_all();
  }
}

void ThreadPool::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (queue_.empty() && !stopping_) {
      const std::uint64_t seen = jobs_posted_.load(std::memory_order_acquire);
      lock.unlock();
      spin_until([&] { return jobs_posted_.load(std::memory_order_acquire) != seen; });
      lock.lock();
    }
    work_available_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    // Keep the job alive while running it, even after its caller has returned.
    const std::shared_ptr<Job> job = queue_.front();
    run_tasks(*job, lock);
  }
}

void ThreadPool::parallel_for(Index tasks, const std::function<void(Index)>& task) {
  if (tasks <= 0) return;
  auto job = std::make_shared<Job>();
  job->tasks = tasks;
  job->task = &task;
  std::unique_lock<std::mutex> lock(mutex_);
  if (!workers_.empty() && tasks > 1) {
    queue_.push_back(job);
    jobs_posted_.fetch_add(1, std::memory_order_release);
    work_available_.notify_all();
  }
  run_tasks(*job, lock);
  if (job->finished != job->tasks) {
    lock.unlock();
    spin_until([&job] { return job->finished.load(std::memory_order_acquire) == job->tasks; });
    lock.lock();
  }
  job->all_finished.wait(lock, [&job] { return job->finished == job->tasks; });
  if (job->error) std::rethrow_exception(job->error);
}

std::shared_ptr<ThreadPool> serial_thread_pool() {
  static const auto pool = std::make_shared<ThreadPool>(1);
  return pool;
}

}  // namespace liouville
