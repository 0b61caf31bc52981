#include "workers/content/content_input.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "base/suggest.h"
#include "sdk/worker/task_errors.h"
#include "workers/content/hashtags.h"
#include "workers/content/links.h"
#include "workers/content/network_rules.h"

namespace fanfare::workers::content {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// The field, or nullptr when it is absent or null (a template may render to null).
const Value* Field(const Struct& s, absl::string_view key) {
  auto it = s.fields().find(std::string(key));
  if (it == s.fields().end() || it->second.kind_case() == Value::kNullValue ||
      it->second.kind_case() == Value::KIND_NOT_SET) {
    return nullptr;
  }
  return &it->second;
}

std::string KindName(const Value& value) {
  switch (value.kind_case()) {
    case Value::kNumberValue: return "a number";
    case Value::kStringValue: return "a string";
    case Value::kBoolValue: return "true/false";
    case Value::kStructValue: return "a map";
    case Value::kListValue: return "a list";
    default: return "null";
  }
}

// Text from a string (trimmed) or a number (YAML reads `headline: 2026` as one); "" if absent.
absl::StatusOr<std::string> Text(const Value* value, absl::string_view field) {
  if (value == nullptr) return std::string();
  if (value->kind_case() == Value::kStringValue) {
    return std::string(absl::StripAsciiWhitespace(value->string_value()));
  }
  if (value->kind_case() == Value::kNumberValue) {
    const double number = value->number_value();
    if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 9.007e15) {
      return absl::StrCat(static_cast<int64_t>(number));
    }
    return absl::StrCat(number);
  }
  return RejectField(field, absl::StrCat("must be text, got ", KindName(*value)));
}

// Unknown fields are rejected, with the closest known name; checked in sorted order so that
// the same input always gets the same message.
absl::Status CheckKnownFields(const Struct& s, absl::string_view path,
                              const std::vector<std::string>& known) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : s.fields()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string field = path.empty() ? key : absl::StrCat(path, ".", key);
    return RejectedInput(absl::StrCat("content.generate: unknown field '", field, "'",
                                      DidYouMean(key, known), "; ",
                                      path.empty() ? "the input's" : absl::StrCat(path, "'s"),
                                      " fields are ", absl::StrJoin(known, ", ")));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ParseHashtags(const Value* value) {
  std::vector<std::string> tags;
  if (value == nullptr) return tags;
  if (value->kind_case() != Value::kListValue) {
    return RejectField(
        "brief.hashtags",
        absl::StrCat("must be a list such as [launch, rocket], got ", KindName(*value)));
  }
  absl::flat_hash_set<std::string> seen;
  const auto& items = value->list_value().values();
  for (int i = 0; i < items.size(); ++i) {
    const std::string path = absl::StrCat("brief.hashtags[", i, "]");
    ASSIGN_OR_RETURN(std::string raw, Text(&items[i], path));
    const std::string tag = NormaliseHashtag(raw);
    if (tag.empty()) {
      return RejectField(path, absl::StrCat("('", raw, "') has no letters or digits to make a ",
                                            "hashtag from; remove it or write the word"));
    }
    if (!HashtagHasLetter(tag)) {
      return RejectField(
          path, absl::StrCat("('", raw, "') is only digits, and networks do not ",
                             "link such hashtags; add a word, e.g. launch", tag.substr(1)));
    }
    if (seen.insert(HashtagKey(tag)).second) tags.push_back(tag);
  }
  return tags;
}

absl::StatusOr<ContentBrief> ParseBrief(const Value* value) {
  ContentBrief brief;
  if (value == nullptr) return brief;
  if (value->kind_case() != Value::kStructValue) {
    return RejectField(
        "brief", absl::StrCat("must be a map (headline, body, link, …), got ", KindName(*value)));
  }
  const Struct& s = value->struct_value();
  RETURN_IF_ERROR(CheckKnownFields(
      s, "brief", {"product", "headline", "body", "link", "hashtags", "call_to_action"}));
  ASSIGN_OR_RETURN(brief.product, Text(Field(s, "product"), "brief.product"));
  ASSIGN_OR_RETURN(brief.headline, Text(Field(s, "headline"), "brief.headline"));
  ASSIGN_OR_RETURN(brief.body, Text(Field(s, "body"), "brief.body"));
  ASSIGN_OR_RETURN(brief.link, Text(Field(s, "link"), "brief.link"));
  ASSIGN_OR_RETURN(brief.call_to_action, Text(Field(s, "call_to_action"), "brief.call_to_action"));
  ASSIGN_OR_RETURN(brief.hashtags, ParseHashtags(Field(s, "hashtags")));
  if (!brief.link.empty() && !IsAbsoluteHttpUrl(brief.link)) {
    return RejectField("brief.link",
                       absl::StrCat("must be an absolute http(s) URL such as ",
                                    "https://acme.example/rocket, got '", brief.link, "'"));
  }
  return brief;
}

absl::StatusOr<std::vector<std::string>> ParseNetworks(const Value* value) {
  const std::vector<std::string>& supported = SupportedNetworks();
  if (value == nullptr) return supported;
  if (value->kind_case() != Value::kListValue) {
    return RejectField("networks", absl::StrCat("must be a list of network names such as ",
                                                "[x, linkedin], got ", KindName(*value)));
  }
  const auto& items = value->list_value().values();
  if (items.empty()) {
    return RejectField("networks",
                       absl::StrCat("is empty; list the networks to write for, or ",
                                    "leave it out for all of ", absl::StrJoin(supported, ", ")));
  }
  std::vector<std::string> networks;
  for (int i = 0; i < items.size(); ++i) {
    const std::string path = absl::StrCat("networks[", i, "]");
    if (items[i].kind_case() != Value::kStringValue) {
      return RejectField(path, absl::StrCat("must be a network name, got ", KindName(items[i])));
    }
    const std::string& name = items[i].string_value();
    if (FindNetworkRules(name) == nullptr) {
      const std::string hint =
          name == "twitter" ? " (X was Twitter: write 'x')" : DidYouMean(name, supported);
      return RejectField(
          path, absl::StrCat("is '", name, "', which content.generate does not write for", hint,
                             "; it writes for ", absl::StrJoin(supported, ", ")));
    }
    if (std::find(networks.begin(), networks.end(), name) != networks.end()) {
      return RejectField(path, absl::StrCat("repeats '", name, "'; list each network once"));
    }
    networks.push_back(name);
  }
  return networks;
}

// A utm field: its default when absent, left out when given empty.
absl::Status AddUtmParam(const Struct& s, absl::string_view key, absl::string_view fallback,
                         UtmParams& params) {
  const Value* value = Field(s, key);
  ASSIGN_OR_RETURN(std::string text, Text(value, absl::StrCat("utm.", key)));
  if (value == nullptr) text = std::string(fallback);
  if (!text.empty()) params.emplace_back(absl::StrCat("utm_", key), std::move(text));
  return absl::OkStatus();
}

absl::StatusOr<UtmParams> ParseUtm(const Value* value) {
  UtmParams params;
  if (value == nullptr) return params;
  if (value->kind_case() != Value::kStructValue) {
    return RejectField("utm", absl::StrCat("must be a map such as {campaign: rocket-launch}, got ",
                                           KindName(*value)));
  }
  const Struct& s = value->struct_value();
  RETURN_IF_ERROR(CheckKnownFields(s, "utm", {"source", "medium", "campaign", "term", "content"}));
  RETURN_IF_ERROR(AddUtmParam(s, "source", "{network}", params));
  RETURN_IF_ERROR(AddUtmParam(s, "medium", "social", params));
  RETURN_IF_ERROR(AddUtmParam(s, "campaign", "", params));
  RETURN_IF_ERROR(AddUtmParam(s, "term", "", params));
  RETURN_IF_ERROR(AddUtmParam(s, "content", "", params));
  return params;
}

absl::StatusOr<MediaItem> ParseMediaItem(const Value& value, int index,
                                         absl::string_view default_alt_text) {
  const std::string path = absl::StrCat("media[", index, "]");
  if (value.kind_case() != Value::kStructValue) {
    return RejectField(
        path, absl::StrCat("must be a map with url, type and alt_text, got ", KindName(value)));
  }
  const Struct& s = value.struct_value();
  RETURN_IF_ERROR(CheckKnownFields(s, path, {"url", "type", "alt_text"}));
  MediaItem item;
  ASSIGN_OR_RETURN(item.url, Text(Field(s, "url"), absl::StrCat(path, ".url")));
  ASSIGN_OR_RETURN(item.type, Text(Field(s, "type"), absl::StrCat(path, ".type")));
  ASSIGN_OR_RETURN(item.alt_text, Text(Field(s, "alt_text"), absl::StrCat(path, ".alt_text")));
  if (item.url.empty()) return RejectField(absl::StrCat(path, ".url"), "is required");
  item.alt_text_field = absl::StrCat(path, ".alt_text");
  if (item.alt_text.empty()) {
    item.alt_text = std::string(default_alt_text);
    item.alt_text_field = "alt_text";
  }
  if (item.alt_text.empty()) {
    return RejectField(absl::StrCat(path, ".alt_text"),
                       "is required: every image and video needs alt text that describes it "
                       "for people using screen readers (the accessibility policy); write it "
                       "there, or give 'alt_text' to use for all media");
  }
  return item;
}

absl::StatusOr<std::vector<MediaItem>> ParseMedia(const Value* value,
                                                  absl::string_view default_alt_text) {
  std::vector<MediaItem> media;
  if (value == nullptr) return media;
  if (value->kind_case() != Value::kListValue) {
    return RejectField("media", absl::StrCat("must be a list of {url, type, alt_text} maps, got ",
                                             KindName(*value)));
  }
  const auto& items = value->list_value().values();
  for (int i = 0; i < items.size(); ++i) {
    ASSIGN_OR_RETURN(MediaItem item, ParseMediaItem(items[i], i, default_alt_text));
    media.push_back(std::move(item));
  }
  return media;
}

// A template's placeholders for the brief's required fields must have values.
absl::Status CheckTemplateFields(const PostTemplate& post_template, const ContentBrief& brief) {
  const std::pair<absl::string_view, const std::string*> fields[] = {
      {"product", &brief.product},
      {"headline", &brief.headline},
      {"call_to_action", &brief.call_to_action},
      {"link", &brief.link}};
  for (const auto& [name, value] : fields) {
    if (post_template.Uses(name) && value->empty()) {
      return RejectField("template",
                         absl::StrCat("uses {", name, "} but 'brief.", name, "' is not given"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOptionalExtras(const Struct& input) {
  RETURN_IF_ERROR(Text(Field(input, "tone"), "tone").status());
  const Value* seed = Field(input, "seed");
  if (seed != nullptr && seed->kind_case() != Value::kNumberValue &&
      seed->kind_case() != Value::kStringValue) {
    return RejectField("seed", absl::StrCat("must be a number or a string, got ", KindName(*seed)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RejectField(absl::string_view field, absl::string_view problem) {
  return RejectedInput(absl::StrCat("content.generate: '", field, "' ", problem));
}

absl::StatusOr<ContentRequest> ParseContentRequest(const google::protobuf::Struct& input) {
  RETURN_IF_ERROR(CheckKnownFields(
      input, "", {"brief", "networks", "utm", "template", "alt_text", "media", "tone", "seed"}));
  ContentRequest request;
  ASSIGN_OR_RETURN(request.brief, ParseBrief(Field(input, "brief")));
  ASSIGN_OR_RETURN(request.networks, ParseNetworks(Field(input, "networks")));
  ASSIGN_OR_RETURN(request.utm, ParseUtm(Field(input, "utm")));
  ASSIGN_OR_RETURN(request.alt_text, Text(Field(input, "alt_text"), "alt_text"));
  ASSIGN_OR_RETURN(request.media, ParseMedia(Field(input, "media"), request.alt_text));
  RETURN_IF_ERROR(CheckOptionalExtras(input));

  if (const Value* text = Field(input, "template"); text != nullptr) {
    if (text->kind_case() != Value::kStringValue) {
      return RejectField("template", absl::StrCat("must be text, got ", KindName(*text)));
    }
    ASSIGN_OR_RETURN(PostTemplate post_template, PostTemplate::Parse(text->string_value()));
    RETURN_IF_ERROR(CheckTemplateFields(post_template, request.brief));
    request.post_template = std::move(post_template);
  } else if (Field(input, "brief") == nullptr) {
    return RejectedInput(
        "content.generate: give 'brief' (with at least 'brief.headline') or 'template'");
  } else if (request.brief.headline.empty()) {
    return RejectField("brief.headline",
                       "is required (or give 'template' to lay out the post yourself)");
  }
  return request;
}

}  // namespace fanfare::workers::content
