// The human-readable views of CampaignService's messages: what `get`, `list`, `campaigns`,
// `history`, `workers` and `watch` print with --output table. Pure functions of the message
// and a RenderStyle, so that tests can compare them with golden files.
#ifndef FANFARE_CLI_VIEWS_H_
#define FANFARE_CLI_VIEWS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "fanfare/v1/coordinator.pb.h"
#include "fanfare/v1/run.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "cli/render.h"

namespace fanfare::cli {

// "SUCCEEDED" for STEP_STATE_SUCCEEDED, RUN_STATUS_SUCCEEDED; "STEP_SUCCEEDED" for
// EVENT_TYPE_STEP_SUCCEEDED.
std::string StepStateName(v1::StepState state);
std::string RunStatusName(v1::RunStatus status);
std::string EventTypeName(v1::EventType type);

bool IsTerminal(v1::StepState state);
bool IsTerminal(v1::RunStatus status);

// `get`: the run's facts, a progress bar, then a table of its step instances.
std::string RenderRun(const v1::Run& run, const RenderStyle& style);
// `list`: one row per run.
std::string RenderRunList(const google::protobuf::RepeatedPtrField<v1::Run>& runs,
                          const RenderStyle& style);
// `campaigns`: one row per campaign.
std::string RenderCampaignList(const google::protobuf::RepeatedPtrField<v1::Campaign>& campaigns,
                               const RenderStyle& style);
// `history`: one row per event.
std::string RenderHistory(const google::protobuf::RepeatedPtrField<v1::HistoryEvent>& events,
                          const RenderStyle& style);
// `workers`: workers, queues and rate limits, each a table (or a line saying there are none).
std::string RenderDispatchState(const v1::DispatchState& state, const RenderStyle& style);

// `watch` on a terminal: the frame redrawn in place. Every line is at most `width`
// characters; at most `max_steps` step rows are shown, active and failed ones first, the rest
// summed up in a last line.
std::vector<std::string> RenderWatchFrame(const v1::Run& run, const RenderStyle& style,
                                          size_t width, size_t max_steps);

// `watch` when not on a terminal: one line per history event,
//   "12:00:01 publish[x] SUCCEEDED attempt 1 (120ms)".
// Remembers when attempts and the run started, to show how long they took. Feed it every
// event of a run in order. Not thread-safe.
class EventLines {
 public:
  explicit EventLines(RenderStyle style) : style_(std::move(style)) {}
  std::string Line(const v1::HistoryEvent& event);

 private:
  RenderStyle style_;
  absl::flat_hash_map<std::string, google::protobuf::Timestamp> started_;
};

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_VIEWS_H_
