// Draws a campaign's DAG as Graphviz DOT or Mermaid, for `fanfare graph`.
//
// Action steps are boxes (a for_each step a stacked box, labelled with what it fans out
// over), waits are clocks, approvals and signals are hexagons and parallelograms, a repeat
// block is a cluster labelled with its cadence and end condition, and a `when` condition
// labels the step's incoming edges.
#ifndef FANFARE_ENGINE_DEFINITION_GRAPH_H_
#define FANFARE_ENGINE_DEFINITION_GRAPH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fanfare/v1/campaign.pb.h"

namespace fanfare::definition {

enum class GraphFormat { kDot, kMermaid };

// "dot" or "mermaid"; InvalidArgument otherwise.
absl::StatusOr<GraphFormat> ParseGraphFormat(absl::string_view name);

// REQUIRES: `spec` passed validation (ids unique, needs known).
std::string RenderGraph(const v1::CampaignSpec& spec, GraphFormat format);

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_GRAPH_H_
