#include "engine/definition/proto_reader.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace fanfare::definition {
namespace {

namespace pb = google::protobuf;

// Collects text-format syntax errors into Diagnostics.
class TextErrorCollector : public pb::io::ErrorCollector {
 public:
  explicit TextErrorCollector(Diagnostics* diagnostics) : diagnostics_(*diagnostics) {}

  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    diagnostics_.AddAt(SourcePosition{line + 1, column + 1}, "", "", message);
  }
  void AddWarning(int line, pb::io::ColumnNumber column, const std::string& message) override {}

 private:
  Diagnostics& diagnostics_;
};

SourcePosition ToPosition(const pb::TextFormat::ParseLocation& location) {
  return location.line < 0 ? SourcePosition{}
                           : SourcePosition{location.line + 1, location.column + 1};
}

// Records the position of every set field of `message`, recursing into messages. Paths
// follow the convention of SourceMap ("steps[2].needs[0]"); Struct contents are not
// descended into (their fields are map entries, not named fields).
void RecordPositions(const pb::Message& message, const pb::TextFormat::ParseInfoTree& tree,
                     const std::string& prefix, SourceMap& source_map) {
  const pb::Reflection& reflection = *message.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  for (const pb::FieldDescriptor* field : fields) {
    const std::string path = prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    const bool nested = field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
                        !field->is_map() &&
                        field->message_type()->full_name() != "google.protobuf.Struct";
    if (!field->is_repeated()) {
      source_map.Set(path, ToPosition(tree.GetLocation(field, -1)));
      if (const auto* sub = tree.GetTreeForNested(field, -1); nested && sub != nullptr) {
        RecordPositions(reflection.GetMessage(message, field), *sub, path, source_map);
      }
      continue;
    }
    const int count = reflection.FieldSize(message, field);
    for (int i = 0; i < count; ++i) {
      const std::string item = absl::StrCat(path, "[", i, "]");
      source_map.Set(item, ToPosition(tree.GetLocation(field, i)));
      if (const auto* sub = tree.GetTreeForNested(field, i); nested && sub != nullptr) {
        RecordPositions(reflection.GetRepeatedMessage(message, field, i), *sub, item, source_map);
      }
    }
  }
}

}  // namespace

v1::CampaignSpec ReadTextProtoCampaign(absl::string_view text, SourceMap* source_map,
                                       Diagnostics* diagnostics) {
  v1::CampaignSpec spec;
  pb::TextFormat::Parser parser;
  TextErrorCollector errors(diagnostics);
  pb::TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &spec)) return v1::CampaignSpec();
  RecordPositions(spec, tree, "", *source_map);
  return spec;
}

v1::CampaignSpec ReadJsonCampaign(absl::string_view text, Diagnostics* diagnostics) {
  v1::CampaignSpec spec;
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = pb::util::JsonStringToMessage(std::string(text), &spec, options);
  if (!status.ok()) {
    diagnostics->Add("", "", absl::StrCat("invalid JSON campaign: ", status.message().ToString()));
    return v1::CampaignSpec();
  }
  return spec;
}

v1::CampaignSpec ReadBinaryCampaign(absl::string_view bytes, Diagnostics* diagnostics) {
  v1::CampaignSpec spec;
  if (!spec.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    diagnostics->Add("", "", "not a valid binary fanfare.v1.CampaignSpec");
    return v1::CampaignSpec();
  }
  return spec;
}

}  // namespace fanfare::definition
