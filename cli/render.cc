#include "cli/render.h"

#include <algorithm>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/proto_time.h"

namespace fanfare::cli {
namespace {

constexpr char kTimePlaceholder[] = "hh:mm:ss";
constexpr char kDurationPlaceholder[] = "<dur>";

// "3m12s" from two units of `d`, dropping a zero second unit ("3m").
std::string TwoUnits(int64_t major, absl::string_view major_unit, int64_t minor,
                     absl::string_view minor_unit) {
  return minor == 0 ? absl::StrCat(major, major_unit)
                    : absl::StrCat(major, major_unit, minor, minor_unit);
}

bool IsUnset(const google::protobuf::Timestamp& t) { return t.seconds() == 0 && t.nanos() == 0; }

std::string CleanCell(std::string cell) {
  std::replace_if(
      cell.begin(), cell.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
  return cell;
}

}  // namespace

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

std::string ShortDuration(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  if (d == absl::InfiniteDuration()) return "inf";
  if (d < absl::Seconds(1)) return absl::StrCat(absl::ToInt64Milliseconds(d), "ms");
  if (d < absl::Seconds(10)) {
    const int64_t tenths = absl::ToInt64Milliseconds(d) / 100;
    return absl::StrCat(tenths / 10, ".", tenths % 10, "s");
  }
  const int64_t s = absl::ToInt64Seconds(d);
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return TwoUnits(s / 60, "m", s % 60, "s");
  if (s < 86400) return TwoUnits(s / 3600, "h", s % 3600 / 60, "m");
  return TwoUnits(s / 86400, "d", s % 86400 / 3600, "h");
}

std::string RenderStyle::Time(const google::protobuf::Timestamp& t) const {
  return IsUnset(t) ? "-" : Time(FromProtoTime(t));
}

std::string RenderStyle::Time(absl::Time t) const {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return "-";
  if (placeholders) return kTimePlaceholder;
  const bool today =
      absl::FormatTime("%Y-%m-%d", t, zone) == absl::FormatTime("%Y-%m-%d", now, zone);
  return absl::FormatTime(today ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S", t, zone);
}

std::string RenderStyle::Duration(absl::Duration d) const {
  return placeholders ? kDurationPlaceholder : ShortDuration(d);
}

std::string RenderStyle::Elapsed(const google::protobuf::Timestamp& start,
                                 const google::protobuf::Timestamp& end) const {
  if (IsUnset(start)) return "-";
  return Duration((IsUnset(end) ? now : FromProtoTime(end)) - FromProtoTime(start));
}

size_t DisplayWidth(const std::string& s) {
  // Count every byte that does not continue a UTF-8 sequence.
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

std::string Truncate(const std::string& s, size_t width) {
  if (DisplayWidth(s) <= width) return s;
  if (width == 0) return "";
  std::string out;
  size_t chars = 0;
  for (char c : s) {
    const bool starts_char = (c & 0xC0) != 0x80;
    if (starts_char && ++chars > width - 1) break;
    out.push_back(c);
  }
  return out + "…";
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(std::max(cells.size(), headers_.size()));
  for (std::string& cell : cells) cell = CleanCell(std::move(cell));
  rows_.push_back(std::move(cells));
}

std::vector<std::string> Table::Lines() const {
  std::vector<size_t> widths(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) widths[i] = DisplayWidth(headers_[i]);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += "  ";
      out += cells[i];
      if (i + 1 < cells.size() && i < widths.size()) {
        out.append(widths[i] - DisplayWidth(cells[i]), ' ');
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  std::vector<std::string> lines = {line(headers_)};
  for (const auto& row : rows_) lines.push_back(line(row));
  return lines;
}

std::string Table::ToString() const {
  std::string out;
  for (const std::string& l : Lines()) absl::StrAppend(&out, l, "\n");
  return out;
}

void LiveFrame::Draw(const std::vector<std::string>& lines) {
  if (height_ > 0) out_ << "\x1b[" << height_ << "A";
  for (const std::string& line : lines) out_ << "\r\x1b[2K" << line << "\n";
  out_ << "\x1b[J" << std::flush;
  height_ = lines.size();
}

std::string ProgressBar(int done, int total, int width) {
  const int filled = total <= 0 ? 0 : std::clamp(done * width / total, 0, width);
  return absl::StrCat("[", std::string(filled, '#'), std::string(width - filled, '.'), "]  ", done,
                      "/", total);
}

}  // namespace fanfare::cli
