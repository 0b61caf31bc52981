#include "engine/definition/diagnostics.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/definition/limits.h"

namespace fanfare::definition {
namespace {

// One problem's message; longer ones echo too much of their input.
constexpr size_t kMaxMessageBytes = 400;

}  // namespace

void SourceMap::Set(std::string path, SourcePosition position) {
  positions_[std::move(path)] = position;
}

void SourceMap::SetTextRuns(std::string path, std::vector<TextRun> runs) {
  text_runs_[std::move(path)] = std::move(runs);
}

SourcePosition SourceMap::FindInText(absl::string_view path, size_t offset) const {
  if (auto it = text_runs_.find(path); it != text_runs_.end() && !it->second.empty()) {
    // The last run starting at or before `offset`.
    const std::vector<TextRun>& runs = it->second;
    auto run = std::upper_bound(runs.begin(), runs.end(), offset,
                                [](size_t o, const TextRun& r) { return o < r.offset; });
    if (run != runs.begin()) {
      --run;
      SourcePosition position = run->position;
      position.column += static_cast<int>(offset - run->offset);
      return position;
    }
  }
  // Columns follow the string only where its own position is known; an ancestor's position
  // (a Struct in text format) is the best there is, as it is.
  if (auto it = positions_.find(path); it != positions_.end()) {
    SourcePosition position = it->second;
    if (position.known()) position.column += static_cast<int>(offset);
    return position;
  }
  return Find(path);
}

SourcePosition SourceMap::Find(absl::string_view path) const {
  while (!path.empty()) {
    if (auto it = positions_.find(path); it != positions_.end()) return it->second;
    // Strip the last component: "a.b[2]" → "a.b", "a.b" → "a".
    const size_t cut = path.find_last_of(".[");
    if (cut == absl::string_view::npos) break;
    path = path.substr(0, cut);
  }
  return {};
}

std::string Diagnostic::ToString() const {
  std::string out = file;
  if (position.known()) absl::StrAppend(&out, ":", position.line, ":", position.column);
  if (!out.empty()) out += ": ";
  if (!step_id.empty()) absl::StrAppend(&out, "step '", step_id, "': ");
  else if (!path.empty()) absl::StrAppend(&out, path, ": ");
  out += message;
  return out;
}

Diagnostics::Diagnostics(std::string file, const SourceMap* source_map)
    : file_(std::move(file)), source_map_(source_map) {}

SourcePosition Diagnostics::PositionOf(absl::string_view path) const {
  return source_map_ == nullptr ? SourcePosition{} : source_map_->Find(path);
}

SourcePosition Diagnostics::PositionIn(absl::string_view path, size_t offset) const {
  return source_map_ == nullptr ? SourcePosition{} : source_map_->FindInText(path, offset);
}

void Diagnostics::Add(absl::string_view path, absl::string_view step_id, std::string message) {
  AddAt(PositionOf(path), path, step_id, std::move(message));
}

void Diagnostics::AddAt(SourcePosition position, absl::string_view path,
                        absl::string_view step_id, std::string message) {
  if (saturated()) {
    ++dropped_;
    return;
  }
  diagnostics_.push_back(Diagnostic{file_, position, Echo(step_id, 63), Echo(path, 200),
                                    Echo(message, kMaxMessageBytes)});
}

absl::Status Diagnostics::ToStatus() const {
  if (diagnostics_.empty()) return absl::OkStatus();
  std::vector<Diagnostic> sorted = diagnostics_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.position.line, a.position.column) <
           std::tie(b.position.line, b.position.column);
  });
  std::vector<std::string> lines;
  lines.reserve(sorted.size());
  for (const Diagnostic& d : sorted) lines.push_back(d.ToString());
  if (dropped_ > 0) lines.push_back(absl::StrCat("… and ", dropped_, " more"));
  const size_t total = sorted.size() + dropped_;
  return absl::InvalidArgumentError(absl::StrCat(
      total, total == 1 ? " error" : " errors", " in ", file_.empty() ? "campaign" : file_,
      ":\n", absl::StrJoin(lines, "\n")));
}

}  // namespace fanfare::definition
