// fanfare watch (and run --watch): follow a run until it ends.
//
// On a terminal a painter thread redraws a table of the run's step instances in place, at
// most ten times a second and at least once a second (durations keep moving); the calling
// thread reads the WatchRun stream and tells the painter when something happened. Otherwise
// every history event prints as one line, which suits logs and CI.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <ostream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"
#include "cli/run_summary.h"
#include "cli/views.h"

namespace fanfare::cli {
namespace {

constexpr absl::Duration kMinRedrawInterval = absl::Milliseconds(100);
constexpr absl::Duration kMaxRedrawInterval = absl::Seconds(1);

struct TerminalSize {
  size_t width = 120;
  size_t height = 40;
};

TerminalSize SizeOfTerminal() {
  TerminalSize size;
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    size.width = ws.ws_col;
    size.height = ws.ws_row;
  }
  return size;
}

// What the stream reader tells the painter. Thread-safe.
class WatchSignal {
 public:
  void Changed() {
    absl::MutexLock lock(&mu_);
    changed_ = true;
  }
  void Ended() {
    absl::MutexLock lock(&mu_);
    ended_ = true;
  }
  // Waits until something changed, the watch ended or `timeout` passed. False once ended.
  bool Wait(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(this, &WatchSignal::Ready), timeout);
    changed_ = false;
    return !ended_;
  }

 private:
  bool Ready() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return changed_ || ended_; }

  absl::Mutex mu_;
  bool changed_ ABSL_GUARDED_BY(mu_) = true;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
};

// Every event the watch reads also goes here (the summary collects them).
using EventSink = std::function<void(const v1::HistoryEvent&)>;

void Paint(Client& client, const std::string& run_id, RenderStyle& style, LiveFrame& frame) {
  absl::StatusOr<v1::Run> run = client.GetRun(run_id);
  if (!run.ok()) return;  // Keep the last frame; the stream reports lasting trouble.
  const TerminalSize size = SizeOfTerminal();
  style.now = absl::Now();
  // Room for the two header lines, the table header, the "more" line and the cursor.
  const size_t max_steps = size.height > 8 ? size.height - 5 : 3;
  frame.Draw(RenderWatchFrame(*run, style, size.width, max_steps));
}

absl::Status WatchLive(Client& client, const std::string& run_id, RenderStyle style,
                       const EventSink& also, CliContext& context) {
  LiveFrame frame(context.out);
  WatchSignal signal;
  std::thread painter([&] {
    absl::Time last = absl::InfinitePast();
    while (signal.Wait(kMaxRedrawInterval)) {
      const absl::Duration since = absl::Now() - last;
      if (since < kMinRedrawInterval) absl::SleepFor(kMinRedrawInterval - since);
      Paint(client, run_id, style, frame);
      last = absl::Now();
    }
  });
  absl::Status watched = client.WatchRun(run_id, 0, [&](const v1::HistoryEvent& event) {
    also(event);
    signal.Changed();
    return true;
  });
  signal.Ended();
  painter.join();
  if (watched.ok()) Paint(client, run_id, style, frame);
  return watched;
}

absl::Status WatchLines(Client& client, const std::string& run_id, const RenderStyle& style,
                        const EventSink& also, CliContext& context) {
  EventLines lines(style);
  return client.WatchRun(run_id, 0, [&](const v1::HistoryEvent& event) {
    also(event);
    context.out << lines.Line(event) << "\n" << std::flush;
    return true;
  });
}

}  // namespace

int WatchToEnd(Client& client, const std::string& run_id, RenderStyle style, CliContext& context,
               bool summarize) {
  std::optional<RunSummary> summary;
  if (summarize) {
    absl::StatusOr<RunSummary> started = StartSummary(client, run_id);
    if (!started.ok()) return ReportRemoteError(started.status(), client, context);
    summary.emplace(*std::move(started));
  }
  const EventSink collect = [&summary](const v1::HistoryEvent& event) {
    if (summary) summary->Add(event);
  };
  absl::Status watched = context.interactive ? WatchLive(client, run_id, style, collect, context)
                                             : WatchLines(client, run_id, style, collect, context);
  if (!watched.ok()) return ReportRemoteError(watched, client, context);
  absl::StatusOr<v1::Run> run = client.GetRun(run_id);
  if (!run.ok()) return ReportRemoteError(run.status(), client, context);
  if (summary) {
    const int printed = PrintSummary(client, *summary, *run, style, context);
    if (printed != kExitOk) return printed;
  }
  if (run->status() == v1::RUN_STATUS_SUCCEEDED) return kExitOk;
  context.err << "error: run " << run_id << " "
              << absl::AsciiStrToLower(RunStatusName(run->status()));
  if (!run->error().message().empty()) context.err << ": " << run->error().message();
  context.err << " — `fanfare history " << run_id << "` shows what happened";
  if (run->status() == v1::RUN_STATUS_FAILED) {
    context.err << "; `fanfare retry " << run_id << "` runs the failed steps again";
  }
  context.err << "\n";
  return kExitFailed;
}

int WatchVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "watch", "RUN_ID", 1, 1);
  if (!remote.ok()) return UsageError(remote.status(), context);
  return WatchToEnd(*remote->client, args.positional()[0], remote->style, context,
                    args.Has("summary"));
}

}  // namespace fanfare::cli
