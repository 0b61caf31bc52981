#include "base/log.h"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/durations.h"

namespace fanfare::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<int> g_format{static_cast<int>(Format::kLogfmt)};
std::atomic<Sink> g_sink{nullptr};

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

void WriteToStderr(absl::string_view line) {
  // One write per line: lines of concurrent threads never interleave (a line up to
  // PIPE_BUF is atomic on a pipe; on a file or terminal, write(2) of a whole buffer is).
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

bool NamesASecret(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  for (const char* word : {"token", "secret", "password", "authorization", "key", "cookie"}) {
    if (absl::StrContains(lower, word)) return true;
  }
  return false;
}

// A double-quoted string with quotes, backslashes and control characters escaped: a JSON
// string (RFC 8259) and a quoted logfmt value alike. Bytes that are not UTF-8 pass through.
void AppendQuoted(std::string& out, absl::string_view value) {
  out += '"';
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// logfmt: bare when it needs no quoting, else quoted.
void AppendLogfmtValue(std::string& out, absl::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
      plain = false;
      break;
    }
  }
  if (plain) {
    out.append(value.data(), value.size());
  } else {
    AppendQuoted(out, value);
  }
}

}  // namespace

absl::StatusOr<Level> ParseLevel(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "debug") return Level::kDebug;
  if (lower == "info") return Level::kInfo;
  if (lower == "warning" || lower == "warn") return Level::kWarning;
  if (lower == "error") return Level::kError;
  return absl::InvalidArgumentError(
      absl::StrCat("log level `", text, "` is not one of debug, info, warning, error"));
}

absl::StatusOr<Format> ParseFormat(absl::string_view text) {
  if (text == "logfmt") return Format::kLogfmt;
  if (text == "json") return Format::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("log format `", text, "` is not one of logfmt, json"));
}

void Configure(LogOptions options) {
  g_level.store(static_cast<int>(options.level), std::memory_order_relaxed);
  g_format.store(static_cast<int>(options.format), std::memory_order_relaxed);
}

absl::Status Configure(absl::string_view level, absl::string_view format) {
  absl::StatusOr<Level> parsed_level = ParseLevel(level);
  if (!parsed_level.ok()) return parsed_level.status();
  absl::StatusOr<Format> parsed_format = ParseFormat(format);
  if (!parsed_format.ok()) return parsed_format.status();
  Configure({.level = *parsed_level, .format = *parsed_format});
  return absl::OkStatus();
}

bool Enabled(Level level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void SetSinkForTesting(Sink sink) { g_sink.store(sink); }

std::string RedactSecrets(absl::string_view text) {
  // Matched without regard to case; the value runs to the next space, quote, '&' or ','.
  static constexpr absl::string_view kMarkers[] = {
      "bearer ",        "basic ",          "access_token=",    "refresh_token=",
      "client_secret=", "code_verifier=",  "access_token\":\"", "refresh_token\":\"",
      "client_secret\":\"", "access_token\": \"", "refresh_token\": \"", "client_secret\": \""};
  const std::string lower = absl::AsciiStrToLower(text);
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t best = std::string::npos;
    size_t marker_size = 0;
    for (absl::string_view marker : kMarkers) {
      const size_t at = absl::string_view(lower).find(marker, pos);
      if (at < best) {
        best = at;
        marker_size = marker.size();
      }
    }
    if (best == std::string::npos) break;
    const size_t value_start = best + marker_size;
    size_t value_end = value_start;
    while (value_end < text.size() && !absl::ascii_isspace(text[value_end]) &&
           text[value_end] != '"' && text[value_end] != '&' && text[value_end] != ',') {
      ++value_end;
    }
    absl::StrAppend(&out, text.substr(pos, value_start - pos));
    if (value_end > value_start) out += "[redacted]";
    pos = value_end;
  }
  if (pos < text.size()) absl::StrAppend(&out, text.substr(pos));
  return out;
}

Line::Line(Level level, absl::string_view component, absl::string_view message)
    : enabled_(Enabled(level)), level_(level) {
  if (!enabled_) return;
  component_ = std::string(component);
  message_ = RedactSecrets(message);
}

Line& Line::Add(absl::string_view name, Value value) {
  if (!enabled_) return *this;
  if (NamesASecret(name)) {
    value = {.text = "[redacted]", .bare = false};
  } else if (!value.bare) {
    value.text = RedactSecrets(value.text);
  }
  fields_.emplace_back(std::string(name), std::move(value));
  return *this;
}

Line& Line::Field(absl::string_view name, absl::string_view value) {
  if (!enabled_) return *this;
  return Add(name, {.text = std::string(value), .bare = false});
}

Line& Line::Field(absl::string_view name, int64_t value) {
  if (!enabled_) return *this;
  return Add(name, {.text = absl::StrCat(value), .bare = true});
}

Line& Line::Field(absl::string_view name, double value) {
  if (!enabled_) return *this;
  // JSON has no NaN or infinity: those are written as strings.
  return Add(name, {.text = absl::StrCat(value), .bare = std::isfinite(value)});
}

Line& Line::Field(absl::string_view name, bool value) {
  if (!enabled_) return *this;
  return Add(name, {.text = value ? "true" : "false", .bare = true});
}

Line& Line::Field(absl::string_view name, absl::Duration value) {
  if (!enabled_) return *this;
  return Add(name, {.text = ::fanfare::FormatDuration(value), .bare = false});
}

Line& Line::FieldIfSet(absl::string_view name, absl::string_view value) {
  if (value.empty()) return *this;
  return Field(name, value);
}

Line::~Line() {
  if (!enabled_) return;
  const std::string ts =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string out;
  if (static_cast<Format>(g_format.load(std::memory_order_relaxed)) == Format::kJson) {
    absl::StrAppend(&out, "{\"ts\":\"", ts, "\",\"level\":\"", LevelName(level_),
                    "\",\"component\":");
    AppendQuoted(out, component_);
    out += ",\"msg\":";
    AppendQuoted(out, message_);
    for (const auto& [name, value] : fields_) {
      out += ',';
      AppendQuoted(out, name);
      out += ':';
      if (value.bare) {
        out += value.text;
      } else {
        AppendQuoted(out, value.text);
      }
    }
    out += "}\n";
  } else {
    absl::StrAppend(&out, "ts=", ts, " level=", LevelName(level_), " component=");
    AppendLogfmtValue(out, component_);
    out += " msg=";
    AppendLogfmtValue(out, message_);
    for (const auto& [name, value] : fields_) {
      absl::StrAppend(&out, " ", name, "=");
      AppendLogfmtValue(out, value.text);
    }
    out += '\n';
  }
  Sink sink = g_sink.load();
  (sink != nullptr ? sink : WriteToStderr)(out);
}

}  // namespace fanfare::log
