// How read verbs print what they got: a table for people (render.h), or the protobuf
// message as JSON or YAML for scripts.
//
//   ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(args.GetOr("output", "table")));
//   if (format != OutputFormat::kTable) RETURN_IF_ERROR(PrintMessage(run, format, out));
#ifndef FANFARE_CLI_OUTPUT_H_
#define FANFARE_CLI_OUTPUT_H_

#include <iosfwd>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace fanfare::cli {

enum class OutputFormat { kTable, kJson, kYaml };

// "table", "json" or "yaml"; InvalidArgument naming the accepted values otherwise.
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text);

// The protobuf JSON mapping of `message` with the .proto field names, indented by two
// spaces, map entries sorted by key (so that equal messages print equally). Ends in "\n".
// Internal if the message holds what JSON cannot (a NaN).
absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message);

// A YAML document equal to the JSON document `json`: block style, strings quoted whenever a
// plain scalar would read back as something else (a number, a bool, null) or could not be
// plain. Empty if `json` does not parse.
std::string JsonToYaml(absl::string_view json);

// Prints `message` as one JSON or YAML document. REQUIRES: format != kTable.
absl::Status PrintMessage(const google::protobuf::Message& message, OutputFormat format,
                          std::ostream& out);

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_OUTPUT_H_
