// Reads a campaign written in YAML (docs/campaign-language.md) into a CampaignSpec.
#ifndef FANFARE_ENGINE_DEFINITION_YAML_READER_H_
#define FANFARE_ENGINE_DEFINITION_YAML_READER_H_

#include "absl/strings/string_view.h"
#include "engine/definition/diagnostics.h"
#include "fanfare/v1/campaign.pb.h"

namespace fanfare::definition {

// Parses `text` and converts it into a spec. Syntax errors, unknown fields, values of the
// wrong type and bad durations or amounts are reported into `diagnostics` (positions from
// the YAML); the fields that could be read are returned regardless, so that the validator
// can go on to report the remaining problems. Records the position of every field in
// `source_map`, which `diagnostics` should have been constructed with.
v1::CampaignSpec ReadYamlCampaign(absl::string_view text, SourceMap* source_map,
                                  Diagnostics* diagnostics);

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_YAML_READER_H_
