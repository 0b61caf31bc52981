// Reads a campaign given as protobuf text, JSON or binary.
#ifndef FANFARE_ENGINE_DEFINITION_PROTO_READER_H_
#define FANFARE_ENGINE_DEFINITION_PROTO_READER_H_

#include "absl/strings/string_view.h"
#include "engine/definition/diagnostics.h"
#include "fanfare/v1/campaign.pb.h"

namespace fanfare::definition {

// Text format: syntax errors are reported with their line and column, and the position of
// every field is recorded in `source_map`.
v1::CampaignSpec ReadTextProtoCampaign(absl::string_view text, SourceMap* source_map,
                                       Diagnostics* diagnostics);

// The protobuf JSON mapping; unknown fields are errors.
v1::CampaignSpec ReadJsonCampaign(absl::string_view text, Diagnostics* diagnostics);

// The binary wire format.
v1::CampaignSpec ReadBinaryCampaign(absl::string_view bytes, Diagnostics* diagnostics);

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_PROTO_READER_H_
