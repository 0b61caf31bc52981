// Building blocks of the CLI's human-readable output: aligned tables, a progress bar, and
// the one way times and durations are shown.
//
// Times are local wall-clock times, "15:04:05" for today and "2006-01-02 15:04:05" for other
// days (docs/cli.md). Durations are short: "850ms", "4.2s", "3m12s", "2h5m", "3d4h".
#ifndef FANFARE_CLI_RENDER_H_
#define FANFARE_CLI_RENDER_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace fanfare::cli {

// How times and durations print. Copyable; the defaults are for a person at a terminal.
struct RenderStyle {
  absl::TimeZone zone = absl::LocalTimeZone();
  // "Now", for durations of things still going and for telling today from other days.
  absl::Time now = absl::Now();
  // Tests: times print as "hh:mm:ss" and durations as "<dur>" (see CliContext).
  bool placeholders = false;

  // "15:04:05", or with the date for other days than today; "-" when unset.
  std::string Time(const google::protobuf::Timestamp& t) const;
  std::string Time(absl::Time t) const;
  // ShortDuration(d), or the placeholder.
  std::string Duration(absl::Duration d) const;
  // From `start` to `end`, or to `now` when `end` is unset; "-" when `start` is unset.
  std::string Elapsed(const google::protobuf::Timestamp& start,
                      const google::protobuf::Timestamp& end) const;
};

// "850ms", "4.2s", "3m12s", "2h5m", "3d4h": at most two units, rounded down.
std::string ShortDuration(absl::Duration d);

// A size for people: "812 B", "12.3 KiB", "4.0 MiB", "1.2 GiB".
std::string FormatBytes(uint64_t bytes);

// Columns padded to their widest cell and separated by two spaces; the last column is not
// padded and no line ends in a space. Widths count UTF-8 characters, not bytes. Newlines
// and tabs in cells print as spaces.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Short rows are padded with empty cells.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  std::vector<std::string> Lines() const;
  // Lines() joined, each ending in "\n".
  std::string ToString() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "[#########...........]  9/20": `done` of `total`, `width` characters between brackets.
std::string ProgressBar(int done, int total, int width = 30);

// Redraws a block of lines in place on an ANSI terminal: each Draw moves the cursor up over
// the previous block ("\x1b[<n>A"), rewrites every line ("\x1b[2K" clears it first) and
// clears whatever is left below ("\x1b[J"). No curses. Lines must fit the terminal's width,
// or the block grows by the wrapped lines and the next Draw leaves them behind. Not
// thread-safe.
class LiveFrame {
 public:
  explicit LiveFrame(std::ostream& out) : out_(out) {}
  void Draw(const std::vector<std::string>& lines);

 private:
  std::ostream& out_;
  size_t height_ = 0;
};

// Characters in a UTF-8 string.
size_t DisplayWidth(const std::string& s);
// `s` cut to `width` characters, ending in "…" when cut.
std::string Truncate(const std::string& s, size_t width);

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_RENDER_H_
