#include "cli/community_digest.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/render.h"
#include "cli/run_summary.h"
#include "engine/community/text_signals.h"
#include "workers/common/json_value.h"

namespace fanfare::cli {
namespace {

using google::protobuf::Value;

const Value* Field(const Value& value, const std::string& name) {
  if (!value.has_struct_value()) return nullptr;
  auto it = value.struct_value().fields().find(name);
  return it == value.struct_value().fields().end() ? nullptr : &it->second;
}

std::string Text(const Value& value, const std::string& name) {
  const Value* field = Field(value, name);
  return field != nullptr && field->has_string_value() ? field->string_value() : "";
}

constexpr double kNegative = -0.2;  // a comment below this counts as negative

}  // namespace

std::string CommunityDigest::DayOf(absl::Time at) {
  return absl::FormatTime("%Y-%m-%d", at, absl::UTCTimeZone());
}

void CommunityDigest::AddRead(absl::Time at, const Value& output) {
  Day& day = days_[DayOf(at)];
  const Value* comments = Field(output, "comments");
  if (comments == nullptr || !comments->has_list_value()) return;
  for (const Value& comment : comments->list_value().values()) {
    const double sentiment = community::Sentiment(Text(comment, "text"));
    ++day.read;
    day.sentiment_sum += sentiment;
    day.negative += sentiment < kNegative;
    if (const std::string post = Text(comment, "post_id"); !post.empty()) {
      PostTally& tally = posts_[post];
      ++tally.comments;
      tally.sentiment_sum += sentiment;
    }
    if (const Value* author = Field(comment, "author")) {
      const std::string handle = Text(*author, "handle");
      if (!handle.empty()) ++authors_[handle];
    }
  }
}

void CommunityDigest::AddModeration(absl::Time at, const Value& output) {
  const std::string action = Text(output, "action");
  if (!action.empty()) ++days_[DayOf(at)].actions[action];
}

void CommunityDigest::AddAmbassadors(absl::Time at, const Value& output) {
  Day& day = days_[DayOf(at)];
  if (const Value* fresh = Field(output, "new_ambassadors"); fresh != nullptr && fresh->has_list_value()) {
    for (const Value& a : fresh->list_value().values()) day.new_ambassadors.push_back(Text(a, "handle"));
  }
  if (const Value* listed = Field(output, "ambassadors")) ambassadors_ = *listed;
}

std::string CommunityDigest::RenderAmbassadors() const {
  if (!ambassadors_.has_list_value() || ambassadors_.list_value().values().empty()) return "";
  std::string out = "Ambassadors\n";
  for (const Value& a : ambassadors_.list_value().values()) {
    std::vector<std::string> reasons;
    if (const Value* listed = Field(a, "reasons"); listed != nullptr && listed->has_list_value()) {
      for (const Value& r : listed->list_value().values()) reasons.push_back(r.string_value());
    }
    const Value* score = Field(a, "score");
    absl::StrAppend(&out, absl::StrFormat("  @%-20s score %6.2f  %s\n", Text(a, "handle"),
                                          score != nullptr ? score->number_value() : 0.0,
                                          absl::StrJoin(reasons, "; ")));
  }
  return out;
}

std::vector<CommunityDigest::Row> CommunityDigest::Rows() const {
  std::vector<Row> rows;
  for (const auto& [date, day] : days_) {
    Row row{.date = date, .day = &day};
    row.mean_sentiment = day.read > 0 ? day.sentiment_sum / day.read : 0;
    // A spike: over twice the mean of the (up to) seven days before, once three are known.
    if (rows.size() >= 3) {
      const size_t from = rows.size() > 7 ? rows.size() - 7 : 0;
      double mean = 0;
      for (size_t i = from; i < rows.size(); ++i) mean += static_cast<double>(rows[i].day->read);
      mean /= static_cast<double>(rows.size() - from);
      if (day.read > 0 && day.read > 2 * mean) row.spike = day.read / std::max(mean, 1.0);
    }
    rows.push_back(row);
  }
  return rows;
}

std::vector<std::pair<std::string, int64_t>> CommunityDigest::MostActive() const {
  std::vector<std::pair<std::string, int64_t>> top(authors_.begin(), authors_.end());
  std::stable_sort(top.begin(), top.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (top.size() > 5) top.resize(5);
  return top;
}

std::vector<std::pair<std::string, CommunityDigest::PostTally>> CommunityDigest::TopPosts() const {
  std::vector<std::pair<std::string, PostTally>> top(posts_.begin(), posts_.end());
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
    return a.second.comments > b.second.comments;
  });
  if (top.size() > 3) top.resize(3);
  return top;
}

int64_t CommunityDigest::Count(const Day& day, const char* action) {
  auto it = day.actions.find(action);
  return it == day.actions.end() ? 0 : it->second;
}

std::string CommunityDigest::Render() const {
  if (days_.empty()) return "";
  int64_t total = 0;
  std::vector<double> volume, mood;
  Table table({"DAY", "READ", "SENTIMENT", "NEGATIVE", "HIDDEN", "REPLIED", "LIKED", "RESHARED",
               "NOTES"});
  for (const Row& row : Rows()) {
    const Day& day = *row.day;
    std::string note;
    if (row.spike > 0) note = absl::StrFormat("spike (%.1fx the week)", row.spike);
    if (!day.new_ambassadors.empty()) {
      absl::StrAppend(&note, note.empty() ? "" : "; ", "new ambassador",
                      day.new_ambassadors.size() > 1 ? "s" : "", " @",
                      absl::StrJoin(day.new_ambassadors, ", @"));
    }
    volume.push_back(static_cast<double>(day.read));
    mood.push_back(row.mean_sentiment + 1);  // 0..2 for the sparkline
    total += day.read;
    table.AddRow({row.date, absl::StrCat(day.read),
                  day.read > 0 ? absl::StrFormat("%+.2f", row.mean_sentiment) : "-",
                  day.read > 0 ? absl::StrCat(day.negative * 100 / day.read, "%") : "-",
                  absl::StrCat(Count(day, "hide")), absl::StrCat(Count(day, "reply")),
                  absl::StrCat(Count(day, "like")), absl::StrCat(Count(day, "reshare")), note});
  }
  std::vector<std::string> names, posts;
  for (const auto& [handle, n] : MostActive()) names.push_back(absl::StrCat("@", handle, " (", n, ")"));
  for (const auto& [post, tally] : TopPosts()) {
    posts.push_back(absl::StrCat(
        post, " (", tally.comments, tally.comments == 1 ? " comment, " : " comments, ",
        absl::StrFormat("%+.2f", tally.sentiment_sum / static_cast<double>(tally.comments)), ")"));
  }
  return absl::StrCat("Community (", total, " comments read over ", days_.size(), " days)\n",
                      "  volume     ", RunSummary::Sparkline(volume), "\n",
                      "  sentiment  ", RunSummary::Sparkline(mood), "\n", table.ToString(),
                      posts.empty() ? "" : absl::StrCat("Top posts: ", absl::StrJoin(posts, ", "), "\n"),
                      names.empty() ? "" : absl::StrCat("Most active: ", absl::StrJoin(names, ", "), "\n"),
                      RenderAmbassadors());
}

nlohmann::json CommunityDigest::ToJson() const {
  if (days_.empty()) return nullptr;
  nlohmann::json days = nlohmann::json::array();
  for (const Row& row : Rows()) {
    const Day& day = *row.day;
    nlohmann::json d = {{"date", row.date}, {"read", day.read},
                        {"mean_sentiment", std::round(row.mean_sentiment * 100) / 100},
                        {"negative", day.negative}, {"hidden", Count(day, "hide")},
                        {"replied", Count(day, "reply")}, {"liked", Count(day, "like")},
                        {"reshared", Count(day, "reshare")}, {"spike", row.spike > 0},
                        {"new_ambassadors", day.new_ambassadors}};
    if (row.spike > 0) d["spike_ratio"] = std::round(row.spike * 10) / 10;
    days.push_back(std::move(d));
  }
  nlohmann::json active = nlohmann::json::array();
  for (const auto& [handle, n] : MostActive()) active.push_back({{"handle", handle}, {"comments", n}});
  nlohmann::json top_posts = nlohmann::json::array();
  for (const auto& [post, tally] : TopPosts()) {
    const double mean = tally.sentiment_sum / static_cast<double>(tally.comments);
    top_posts.push_back({{"post_id", post}, {"comments", tally.comments},
                         {"mean_sentiment", std::round(mean * 100) / 100}});
  }
  return {{"days", days}, {"top_posts", top_posts}, {"most_active", active},
          {"ambassadors", ambassadors_.has_list_value() ? workers::FromValue(ambassadors_)
                                                        : nlohmann::json::array()}};
}

}  // namespace fanfare::cli
