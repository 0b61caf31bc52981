// Values people type on the command line: `--param NAME=VALUE`, `--params-file FILE`,
// `--label KEY=VALUE` and `--payload JSON`.
//
// A value is read as YAML, of which JSON is a part: `40` is a number, `true` a bool, `null`
// null, `[a, b]` a list, `{k: v}` a map, `"40"` (quoted) the string; anything else is the
// text itself (`--param product=Acme Rocket`). When the campaign declares a param as a
// string, a duration or a timestamp, its value is the text as typed, so that
// `--param tag=2024` stays the string "2024".
#ifndef FANFARE_CLI_PARAM_VALUES_H_
#define FANFARE_CLI_PARAM_VALUES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fanfare/v1/campaign.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::cli {

// `text` as a value (see the file comment). `what` names it in errors ("--param networks").
// InvalidArgument for malformed YAML in a value that starts like a list or map ("[a,").
absl::StatusOr<google::protobuf::Value> ParseValueText(absl::string_view text,
                                                       absl::string_view what);

// Splits "KEY=VALUE" given to `--flag`; InvalidArgument naming the flag and showing the form
// when there is no '=' or no key.
absl::StatusOr<std::pair<std::string, std::string>> SplitKeyValue(absl::string_view flag,
                                                                  absl::string_view text);

// A run's params from the contents of a --params-file (empty if none; a YAML or JSON map,
// named `file_name` in errors) and --param flags, which override the file. `spec`, when
// known, types the values (see the file comment). Whether the values suit the campaign is
// for StartRun to say; errors here are about syntax: InvalidArgument naming the flag or file.
absl::StatusOr<google::protobuf::Struct> BuildParams(const std::vector<std::string>& param_flags,
                                                     absl::string_view file_content,
                                                     absl::string_view file_name,
                                                     const v1::CampaignSpec* spec);

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_PARAM_VALUES_H_
