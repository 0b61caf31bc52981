#include "workers/content/post_variant.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"
#include "workers/content/fit_to_limit.h"
#include "workers/content/hashtags.h"
#include "workers/content/post_layout.h"
#include "workers/content/text_length.h"
#include "workers/content/utm.h"

namespace fanfare::workers::content {
namespace {

using google::protobuf::Value;

Value StringValue(absl::string_view text) {
  Value value;
  value.set_string_value(std::string(text));
  return value;
}

Value NumberValue(double number) {
  Value value;
  value.set_number_value(number);
  return value;
}

Value BoolValue(bool flag) {
  Value value;
  value.set_bool_value(flag);
  return value;
}

Value StringList(const std::vector<std::string>& items) {
  Value value;
  for (const std::string& item : items)
    *value.mutable_list_value()->add_values() = StringValue(item);
  return value;
}

// Everything one network's post is made from, before fitting.
struct Draft {
  const NetworkRules* rules = nullptr;
  PostLayout layout;
  PostFields fields;  // without body and hashtags, which each attempt fills in
  UtmParams utm;
  std::string link;                   // brief.link with UTM tags; "" without one
  std::string body;                   // "" when the template has no {body}
  std::vector<std::string> hashtags;  // the candidates for the text, in order
  std::vector<std::string> capped;    // left out for the network's hashtag cap
};

std::string Compose(const Draft& draft, absl::string_view body, size_t hashtag_count) {
  PostFields fields = draft.fields;
  fields.body = std::string(body);
  fields.hashtags =
      absl::StrJoin(draft.hashtags.begin(), draft.hashtags.begin() + hashtag_count, " ");
  return AddUtmToLinksInText(ComposePost(draft.layout, fields), draft.utm);
}

bool TemplateLacks(const ContentRequest& request, absl::string_view placeholder) {
  return request.post_template.has_value() && !request.post_template->Uses(placeholder);
}

// Hashtags already in the text are not repeated; the rest count against the network's cap.
absl::Status ChooseHashtags(const ContentRequest& request, Draft& draft) {
  const std::vector<std::string> written = HashtagsInText(Compose(draft, draft.body, 0));
  const size_t cap = draft.rules->max_hashtags;
  if (cap != 0 && written.size() > cap) {
    return RejectedInput(absl::StrCat(
        "content.generate: ", draft.rules->name, " allows at most ", cap, " hashtags in a ",
        draft.rules->text_name, " but the brief's text already has ", written.size(),
        "; remove some from 'brief.body' (or the headline, call to action or template)"));
  }
  if (TemplateLacks(request, "hashtags")) return absl::OkStatus();
  const absl::flat_hash_set<std::string> keys(written.begin(), written.end());
  for (const std::string& tag : request.brief.hashtags) {
    if (!keys.contains(HashtagKey(tag))) draft.hashtags.push_back(tag);
  }
  const size_t room = cap - written.size();
  if (cap != 0 && draft.hashtags.size() > room) {
    draft.capped.assign(draft.hashtags.begin() + room, draft.hashtags.end());
    draft.hashtags.resize(room);
  }
  return absl::OkStatus();
}

absl::StatusOr<Draft> MakeDraft(const ContentRequest& request, const NetworkRules& rules) {
  const ContentBrief& brief = request.brief;
  Draft draft;
  draft.rules = &rules;
  draft.layout.post_template = request.post_template ? &*request.post_template : nullptr;
  draft.layout.headline_in_text = !rules.headline_is_title;
  draft.utm = UtmForNetwork(request.utm, rules.name);
  if (!brief.link.empty()) draft.link = AddUtm(brief.link, draft.utm);
  draft.body = TemplateLacks(request, "body") ? "" : brief.body;
  draft.fields.product = brief.product;
  draft.fields.headline = brief.headline;
  draft.fields.call_to_action = brief.call_to_action;
  draft.fields.network = std::string(rules.name);
  if (!draft.link.empty()) {
    draft.fields.link = rules.links_clickable ? draft.link : std::string(kLinkInBio);
  }
  RETURN_IF_ERROR(ChooseHashtags(request, draft));
  return draft;
}

// "x variant needs 312 characters for its required parts (headline, link, call_to_action)
// but x allows 280; shorten 'brief.headline'" — naming the part that takes the most room.
absl::Status RequiredPartsTooLong(const Draft& draft) {
  struct Part {
    absl::string_view name;
    std::string field;
    std::string text;
  };
  const NetworkRules& rules = *draft.rules;
  const PostFields& fields = draft.fields;
  std::vector<Part> parts;
  const PostTemplate* post_template = draft.layout.post_template;
  if (post_template != nullptr) {
    parts.push_back({"template", "template", post_template->LiteralText()});
  }
  auto add = [&](absl::string_view name, const std::string& text) {
    const bool shown = post_template != nullptr ? post_template->Uses(name) : name != "product";
    if (shown && !text.empty()) parts.push_back({name, absl::StrCat("brief.", name), text});
  };
  add("product", fields.product);
  if (post_template != nullptr || draft.layout.headline_in_text) add("headline", fields.headline);
  add("link", fields.link);
  add("call_to_action", fields.call_to_action);

  std::vector<absl::string_view> names;
  const Part* largest = nullptr;
  size_t largest_length = 0;
  for (const Part& part : parts) {
    names.push_back(part.name);
    const size_t length = TextLength(part.text, rules.unit);
    if (largest == nullptr || length > largest_length) {
      largest = &part;
      largest_length = length;
    }
  }
  const size_t needed = TextLength(Compose(draft, "", 0), rules.unit);
  return RejectedInput(absl::StrCat("content.generate: ", rules.name, " variant needs ", needed,
                                    " ", LengthUnitNoun(rules.unit), " for its required parts (",
                                    absl::StrJoin(names, ", "), ") but ", rules.name, " allows ",
                                    rules.max_length, "; shorten '",
                                    largest == nullptr ? "brief.headline" : largest->field, "'"));
}

// YouTube's title: the headline, else the product.
absl::StatusOr<std::string> Title(const ContentRequest& request, const NetworkRules& rules) {
  const ContentBrief& brief = request.brief;
  const bool from_headline = !brief.headline.empty();
  const std::string& title = from_headline ? brief.headline : brief.product;
  if (title.empty()) {
    return RejectField("brief.headline",
                       absl::StrCat("is required for ", rules.name, ": it is the video's title"));
  }
  const size_t length = CountCodePoints(title);
  if (length > rules.max_title_length) {
    return RejectedInput(absl::StrCat("content.generate: ", rules.name, " title needs ", length,
                                      " characters but ", rules.name, " allows ",
                                      rules.max_title_length, "; shorten '",
                                      from_headline ? "brief.headline" : "brief.product", "'"));
  }
  return title;
}

absl::Status CheckNetworkRules(const ContentRequest& request, const NetworkRules& rules) {
  if (rules.forbids_angle_brackets) {
    const ContentBrief& brief = request.brief;
    const std::pair<absl::string_view, std::string> fields[] = {
        {"brief.headline", brief.headline},
        {"brief.product", brief.product},
        {"brief.body", brief.body},
        {"brief.call_to_action", brief.call_to_action},
        {"brief.link", brief.link},
        {"template", request.post_template ? request.post_template->LiteralText() : ""}};
    for (const auto& [field, text] : fields) {
      if (text.find_first_of("<>") != std::string::npos) {
        return RejectedInput(absl::StrCat("content.generate: ", rules.name,
                                          " does not accept '<' or '>' in a title or ",
                                          rules.text_name, "; remove them from '", field, "'"));
      }
    }
  }
  for (const MediaItem& item : request.media) {
    const size_t length = CountCodePoints(item.alt_text);
    if (rules.max_alt_text_length != 0 && length > rules.max_alt_text_length) {
      return RejectedInput(absl::StrCat("content.generate: '", item.alt_text_field, "' has ",
                                        length, " characters but ", rules.name, " allows ",
                                        rules.max_alt_text_length, " for alt text; shorten it"));
    }
  }
  return absl::OkStatus();
}

Value MediaList(const std::vector<MediaItem>& media) {
  Value list;
  list.mutable_list_value();
  for (const MediaItem& item : media) {
    Value entry;
    auto& fields = *entry.mutable_struct_value()->mutable_fields();
    fields["url"] = StringValue(item.url);
    fields["type"] = StringValue(item.type);
    fields["alt_text"] = StringValue(item.alt_text);
    *list.mutable_list_value()->add_values() = std::move(entry);
  }
  return list;
}

// The variant's output map (see post_variant.h).
Value VariantValue(const ContentRequest& request, const Draft& draft, const FittedPost& post,
                   const std::optional<std::string>& title) {
  const NetworkRules& rules = *draft.rules;
  const auto first_omitted = draft.hashtags.begin() + static_cast<long>(post.hashtags_kept);
  const std::vector<std::string> kept(draft.hashtags.begin(), first_omitted);
  std::vector<std::string> omitted(first_omitted, draft.hashtags.end());
  omitted.insert(omitted.end(), draft.capped.begin(), draft.capped.end());
  const bool body_cut = post.body_fit != BodyFit::kFull && post.body_fit != BodyFit::kAbsent;

  Value variant;
  auto& out = *variant.mutable_struct_value()->mutable_fields();
  out["network"] = StringValue(rules.name);
  out["id"] = StringValue(rules.name);
  out["text"] = StringValue(post.text);
  out["length"] = NumberValue(static_cast<double>(post.length));
  out["limit"] = NumberValue(static_cast<double>(rules.max_length));
  out["length_unit"] = StringValue(LengthUnitName(rules.unit));
  out["hashtags"] = StringList(kept);
  out["omitted_hashtags"] = StringList(omitted);
  out["body_fit"] = StringValue(BodyFitName(post.body_fit));
  out["shortened"] = BoolValue(body_cut || !omitted.empty());
  out["link"] = StringValue(draft.link);
  out["link_in_text"] =
      BoolValue(rules.links_clickable && !draft.link.empty() && !TemplateLacks(request, "link"));
  out["alt_text"] =
      StringValue(request.media.empty() ? request.alt_text : request.media[0].alt_text);
  out["media"] = MediaList(request.media);
  if (title.has_value()) {
    out["title"] = StringValue(*title);
    out["title_length"] = NumberValue(static_cast<double>(CountCodePoints(*title)));
  }
  return variant;
}

}  // namespace

absl::StatusOr<Value> BuildPostVariant(const ContentRequest& request, const NetworkRules& rules) {
  RETURN_IF_ERROR(CheckNetworkRules(request, rules));
  std::optional<std::string> title;
  if (rules.max_title_length != 0) {
    ASSIGN_OR_RETURN(title, Title(request, rules));
  }
  ASSIGN_OR_RETURN(const Draft draft, MakeDraft(request, rules));
  auto compose = [&draft](absl::string_view body, size_t hashtag_count) {
    return Compose(draft, body, hashtag_count);
  };
  const std::optional<FittedPost> post =
      FitToLimit(compose, draft.body, draft.hashtags.size(), rules.unit, rules.max_length);
  if (!post.has_value()) return RequiredPartsTooLong(draft);
  return VariantValue(request, draft, *post, title);
}

}  // namespace fanfare::workers::content
