// Diagnostics: every problem found in a campaign definition, each with its place.
//
// The loader and the validator report into one Diagnostics so that a file with several
// mistakes gets all of them at once, each as
//
//   examples/launch.yaml:14:11: step 'publish': needs unknown step 'copyy' (did you mean 'copy'?)
//
// A SourceMap remembers where each field of a CampaignSpec came from (line and column of
// the YAML or text-format source), keyed by field path: "steps[2].needs[0]",
// "params[1].default", "steps[4].repeat.steps[0].with.text".
#ifndef FANFARE_ENGINE_DEFINITION_DIAGNOSTICS_H_
#define FANFARE_ENGINE_DEFINITION_DIAGNOSTICS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fanfare::definition {

// A 1-based line and column; {0, 0} means unknown.
struct SourcePosition {
  int line = 0;
  int column = 0;

  bool known() const { return line > 0; }
};

// Where a run of a string's characters starts in the source: characters `offset`,
// `offset + 1`, … of the string sit at `position`, the next columns, … until the next run.
struct TextRun {
  size_t offset = 0;
  SourcePosition position;
};

// Where the fields of one definition came from. Not thread-safe for writing.
class SourceMap {
 public:
  void Set(std::string path, SourcePosition position);
  // For a string whose characters do not sit one per column after its position (it spans
  // lines, or holds escapes): where each run of them is.
  void SetTextRuns(std::string path, std::vector<TextRun> runs);

  // The position of `path`, or of its nearest ancestor that has one ("steps[2].with.text"
  // falls back to "steps[2].with", then "steps[2]"); unknown if none.
  SourcePosition Find(absl::string_view path) const;
  // The position of character `offset` of the string at `path` (an expression's error); if
  // `path` itself has no position, that of its nearest ancestor, as Find.
  SourcePosition FindInText(absl::string_view path, size_t offset) const;

  bool empty() const { return positions_.empty(); }

 private:
  absl::flat_hash_map<std::string, SourcePosition> positions_;
  absl::flat_hash_map<std::string, std::vector<TextRun>> text_runs_;
};

// One problem in a definition.
struct Diagnostic {
  std::string file;
  SourcePosition position;
  // The step the problem belongs to (its id), if any.
  std::string step_id;
  // The field path, e.g. "steps[2].needs[0]".
  std::string path;
  std::string message;

  // "file:line:column: step 'id': message", leaving out the parts that are unknown.
  std::string ToString() const;
};

// Collects diagnostics for one definition. Not thread-safe.
class Diagnostics {
 public:
  // `file` names the source in every diagnostic; `source_map` (may be null) gives
  // positions and must outlive this object.
  Diagnostics(std::string file, const SourceMap* source_map);

  // Records a problem at `path`, belonging to step `step_id` (may be empty).
  void Add(absl::string_view path, absl::string_view step_id, std::string message);
  // Records a problem at an explicit position (e.g. inside an expression).
  void AddAt(SourcePosition position, absl::string_view path, absl::string_view step_id,
             std::string message);

  SourcePosition PositionOf(absl::string_view path) const;
  // The position of character `offset` of the string at `path`.
  SourcePosition PositionIn(absl::string_view path, size_t offset) const;

  bool empty() const { return diagnostics_.empty(); }
  // The first kMaxKept problems; later ones are only counted (dropped()), so that a huge
  // broken campaign gets a bounded answer. Loops that do costly work per problem (such as
  // "did you mean" suggestions) stop once saturated().
  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  size_t dropped() const { return dropped_; }
  bool saturated() const { return diagnostics_.size() >= kMaxKept; }
  // Counts `n` problems found elsewhere and not kept (another Diagnostics' dropped()).
  void AddDropped(size_t n) { dropped_ += n; }
  static constexpr size_t kMaxKept = 50;
  const std::string& file() const { return file_; }

  // OK if empty; otherwise InvalidArgument listing every diagnostic kept, one per line, in
  // source order, and how many more there were.
  absl::Status ToStatus() const;

 private:
  std::string file_;
  const SourceMap* source_map_;
  std::vector<Diagnostic> diagnostics_;
  size_t dropped_ = 0;
};

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_DIAGNOSTICS_H_
