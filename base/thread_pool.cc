#include "base/thread_pool.h"

#include <algorithm>
#include <utility>

namespace fanfare {

ThreadPool::ThreadPool(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Serve(); });
}

ThreadPool::~ThreadPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    jobs_.clear();
  }
  for (std::thread& thread : threads_) thread.join();
}

void ThreadPool::Schedule(absl::AnyInvocable<void() &&> job) {
  absl::MutexLock lock(&mu_);
  if (!stopping_) jobs_.push_back(std::move(job));
}

bool ThreadPool::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void ThreadPool::Serve() {
  while (true) {
    absl::AnyInvocable<void() &&> job;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || !jobs_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    std::move(job)();
  }
}

}  // namespace fanfare
