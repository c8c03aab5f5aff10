// ThreadPool: every task runs exactly once, the call blocks until all are done,
// tasks really run on several threads, nested calls finish, the exception of the
// lowest task index reaches the caller, and a bad thread count is refused.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "liouville/core/errors.hpp"
#include "liouville/core/thread_pool.hpp"

using namespace liouville;

TEST_CASE("ThreadPool runs every task once and returns when all are done") {
  for (const long threads : {1L, 2L, 3L}) {
    ThreadPool pool(threads);
    CHECK(pool.size() == threads);
    for (const Index tasks : {Index{0}, Index{1}, Index{7}, Index{100}}) {
      std::vector<int> runs(static_cast<std::size_t>(tasks), 0);
      pool.parallel_for(tasks, [&](Index i) { ++runs[static_cast<std::size_t>(i)]; });
      for (const int count : runs) CHECK(count == 1);
    }
  }
}

TEST_CASE("ThreadPool threads 0 means one per hardware thread; negative is refused") {
  CHECK(ThreadPool(0).size() == std::max(1L, static_cast<long>(std::thread::hardware_concurrency())));
  CHECK_THROWS_WITH_AS(ThreadPool(-1), doctest::Contains("threads = -1 is negative"), ConfigError);
}

TEST_CASE("ThreadPool of 3 runs tasks on 3 distinct threads at once") {
  // Each task waits until all three have started: this finishes only if three
  // threads (the caller and two workers) hold a task at the same time.
  ThreadPool pool(3);
  std::mutex mutex;
  std::condition_variable all_started;
  int started = 0;
  std::set<std::thread::id> ids;
  pool.parallel_for(3, [&](Index) {
    std::unique_lock<std::mutex> lock(mutex);
    ids.insert(std::this_thread::get_id());
    if (++started == 3) all_started.notify_all();
    all_started.wait(lock, [&] { return started == 3; });
  });
  CHECK(ids.size() == 3);
  CHECK(ids.count(std::this_thread::get_id()) == 1);
}

TEST_CASE("ThreadPool: a task may call parallel_for on the same pool") {
  ThreadPool pool(2);
  std::atomic<int> inner{0};
  pool.parallel_for(4, [&](Index) { pool.parallel_for(5, [&](Index) { ++inner; }); });
  CHECK(inner == 20);
}

TEST_CASE("ThreadPool: calls from several threads at once all complete") {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&] {
      for (int round = 0; round < 50; ++round) pool.parallel_for(3, [&](Index) { ++total; });
    });
  for (std::thread& caller : callers) caller.join();
  CHECK(total == 4 * 50 * 3);
}

TEST_CASE("ThreadPool rethrows the exception of the lowest failing task after all tasks ran") {
  for (const long threads : {1L, 2L, 3L}) {
    ThreadPool pool(threads);
    std::atomic<int> ran{0};
    const auto failing = [&](Index i) {
      ++ran;
      if (i == 6 || i == 3) throw DataError("task " + std::to_string(i) + " failed");
    };
    CHECK_THROWS_WITH_AS(pool.parallel_for(10, failing), "task 3 failed", DataError);
    CHECK(ran == 10);
    // The pool is still usable afterwards.
    std::atomic<int> after{0};
    pool.parallel_for(5, [&](Index) { ++after; });
    CHECK(after == 5);
  }
}
