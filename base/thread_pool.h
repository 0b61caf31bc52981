// ThreadPool: a fixed set of threads running jobs in the order they were scheduled, for work
// that blocks (an HTTP exchange) and must not run on the thread that asks for it.
//
//   ThreadPool pool(4);
//   pool.Schedule([&] { Answer(Exchange(order), pool); });
//
// A job that reports back should check stopping() first: once the pool is being destroyed,
// whoever it would report to may be going too. Thread-safe. The destructor drops the jobs not
// yet started and waits for the running ones, so a pool should be its owner's last member
// (destroyed first, while what its jobs use is still there).
#ifndef FANFARE_BASE_THREAD_POOL_H_
#define FANFARE_BASE_THREAD_POOL_H_

#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace fanfare {

class ThreadPool {
 public:
  // At least one thread.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Runs `job` on one of the threads soon; dropped if the pool is stopping.
  void Schedule(absl::AnyInvocable<void() &&> job);
  // True once the destructor has begun.
  bool stopping() const;

 private:
  void Serve();

  mutable absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> jobs_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace fanfare

#endif  // FANFARE_BASE_THREAD_POOL_H_
