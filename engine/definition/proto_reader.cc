#include "engine/definition/proto_reader.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
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

// The text being read, to find where values start: the parser records where each field's
// name is.
class SourceText {
 public:
  explicit SourceText(absl::string_view text) : text_(text) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  // For a string field whose name is at `name` (`when: "…"`): where the string's content
  // starts, just after its opening quote, so that offsets into it map onto columns. `name`
  // itself if no quoted string follows.
  SourcePosition StringStart(SourcePosition name) const {
    if (!name.known() || name.line > static_cast<int>(line_starts_.size())) return name;
    // The parser counts a tab as up to 8 columns; on such a line, columns are not offsets.
    const size_t line_start = line_starts_[name.line - 1];
    const size_t line_end = std::min(text_.find('\n', line_start), text_.size());
    if (text_.substr(line_start, line_end - line_start).find('\t') != absl::string_view::npos) {
      return name;
    }
    size_t offset = line_start + name.column - 1;
    SourcePosition at = name;
    const auto advance = [&] {
      if (text_[offset++] == '\n') {
        ++at.line;
        at.column = 1;
      } else {
        ++at.column;
      }
    };
    while (offset < text_.size() && (absl::ascii_isalnum(text_[offset]) || text_[offset] == '_')) {
      advance();
    }
    bool colon = false;
    while (offset < text_.size() && (absl::ascii_isspace(text_[offset]) ||
                                     (text_[offset] == ':' && !colon))) {
      colon = colon || text_[offset] == ':';
      advance();
    }
    if (offset >= text_.size() || (text_[offset] != '"' && text_[offset] != '\'')) return name;
    ++at.column;
    return at;
  }

 private:
  absl::string_view text_;
  std::vector<size_t> line_starts_;
};

// Records the position of every set field of `message`, recursing into messages. Paths
// follow the convention of SourceMap ("steps[2].needs[0]"); Struct contents are not
// descended into (their fields are map entries, not named fields). A string field's position
// is that of its content.
void RecordPositions(const pb::Message& message, const pb::TextFormat::ParseInfoTree& tree,
                     const std::string& prefix, const SourceText& text, SourceMap& source_map) {
  const pb::Reflection& reflection = *message.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  for (const pb::FieldDescriptor* field : fields) {
    const std::string path = prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    const bool nested = field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
                        !field->is_map() &&
                        field->message_type()->full_name() != "google.protobuf.Struct";
    const bool is_string = field->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING;
    const auto position = [&](int index) {
      const SourcePosition name = ToPosition(tree.GetLocation(field, index));
      return is_string ? text.StringStart(name) : name;
    };
    if (!field->is_repeated()) {
      source_map.Set(path, position(-1));
      if (const auto* sub = tree.GetTreeForNested(field, -1); nested && sub != nullptr) {
        RecordPositions(reflection.GetMessage(message, field), *sub, path, text, source_map);
      }
      continue;
    }
    const int count = reflection.FieldSize(message, field);
    for (int i = 0; i < count; ++i) {
      const std::string item = absl::StrCat(path, "[", i, "]");
      source_map.Set(item, position(i));
      if (const auto* sub = tree.GetTreeForNested(field, i); nested && sub != nullptr) {
        RecordPositions(reflection.GetRepeatedMessage(message, field, i), *sub, item, text,
                        source_map);
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
  RecordPositions(spec, tree, "", SourceText(text), *source_map);
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
