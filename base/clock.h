// Clock: where all engine code reads the time.
//
// Production code uses SystemClock; tests and the `--rehearse` mode use ManualClock, whose
// time moves only when told to. Nothing in the engine calls absl::Now() directly.
#ifndef FANFARE_BASE_CLOCK_H_
#define FANFARE_BASE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace fanfare {

// A source of the current time. Implementations are safe for concurrent use.
class Clock {
 public:
  virtual ~Clock() = default;

  // The current time. Never goes backwards for a given clock.
  virtual absl::Time Now() const = 0;

  // The process-wide wall clock.
  static Clock& System();
};

// A clock that moves only when Set() or Advance() is called. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(absl::Time start = absl::FromUnixSeconds(1'800'000'000));

  absl::Time Now() const override;

  // REQUIRES: `t` is not before Now().
  void Set(absl::Time t);
  // REQUIRES: `d` >= 0.
  void Advance(absl::Duration d);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fanfare

#endif  // FANFARE_BASE_CLOCK_H_
