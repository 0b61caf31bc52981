// Structured logs: one line per event on stderr, as logfmt or JSON, with a level, a
// component, a message and fields (docs/operations.md, "Logs").
//
//   log::Configure({.level = log::Level::kInfo, .format = log::Format::kJson});  // in main()
//   log::Info("workers", "worker connected").Field("namespace", ns).Field("worker", id);
//
//   ts=2026-12-07T11:00:00.123Z level=info component=workers msg="worker connected" namespace=acme worker=meta-1
//   {"ts":"2026-12-07T11:00:00.123Z","level":"info","component":"workers","msg":"worker connected","namespace":"acme","worker":"meta-1"}
//
// The line is written when the Line is destroyed (the end of the statement), with one write,
// so that lines from many threads never interleave. A line below the configured level costs
// one atomic load: its fields are not even formatted.
//
// Secrets: a field whose name says it holds one (token, secret, password, authorization,
// key, cookie) is written as "[redacted]", and so is anything after "Bearer ", "Basic ",
// "access_token=" / "refresh_token=" / "client_secret=" / "code_verifier=", or those names as
// JSON keys, in any value or message (case aside).
//
// Thread safety: everything here is thread-safe. Configure() is meant for main(), before
// threads start; later calls take effect for lines begun after them.
#ifndef FANFARE_BASE_LOG_H_
#define FANFARE_BASE_LOG_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class Format { kLogfmt, kJson };

struct LogOptions {
  Level level = Level::kInfo;
  Format format = Format::kLogfmt;
};

// "debug", "info", "warning" (or "warn"), "error" / "logfmt", "json"; InvalidArgument
// naming the choices otherwise.
absl::StatusOr<Level> ParseLevel(absl::string_view text);
absl::StatusOr<Format> ParseFormat(absl::string_view text);

void Configure(LogOptions options);
// The same from the --log_level and --log_format flags' text.
absl::Status Configure(absl::string_view level, absl::string_view format);
bool Enabled(Level level);

// Where lines go: stderr unless a test says otherwise. `sink` must be thread-safe; null
// restores stderr.
using Sink = void (*)(absl::string_view line);
void SetSinkForTesting(Sink sink);

// One line being built; written when destroyed, if its level is enabled.
class Line {
 public:
  Line(Level level, absl::string_view component, absl::string_view message);
  ~Line();
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;

  Line& Field(absl::string_view name, absl::string_view value);
  Line& Field(absl::string_view name, const char* value) {
    return Field(name, absl::string_view(value));
  }
  Line& Field(absl::string_view name, const std::string& value) {
    return Field(name, absl::string_view(value));
  }
  Line& Field(absl::string_view name, int64_t value);
  Line& Field(absl::string_view name, int value) { return Field(name, int64_t{value}); }
  Line& Field(absl::string_view name, double value);
  Line& Field(absl::string_view name, bool value);
  Line& Field(absl::string_view name, absl::Duration value);
  // Skips the field when `value` is empty: optional context (a run, a step).
  Line& FieldIfSet(absl::string_view name, absl::string_view value);

 private:
  // A field's value and whether it is written bare (numbers, booleans) in JSON.
  struct Value {
    std::string text;
    bool bare = false;
  };
  Line& Add(absl::string_view name, Value value);

  const bool enabled_;
  const Level level_;
  std::string component_;
  std::string message_;
  std::vector<std::pair<std::string, Value>> fields_;
};

inline Line Debug(absl::string_view component, absl::string_view message) {
  return Line(Level::kDebug, component, message);
}
inline Line Info(absl::string_view component, absl::string_view message) {
  return Line(Level::kInfo, component, message);
}
inline Line Warning(absl::string_view component, absl::string_view message) {
  return Line(Level::kWarning, component, message);
}
inline Line Error(absl::string_view component, absl::string_view message) {
  return Line(Level::kError, component, message);
}

// `text` with what follows "Bearer ", "Basic " and the OAuth secret parameters (as form
// fields or JSON keys) replaced by "[redacted]", up to the next space, quote, '&' or ','.
std::string RedactSecrets(absl::string_view text);

}  // namespace fanfare::log

#endif  // FANFARE_BASE_LOG_H_
