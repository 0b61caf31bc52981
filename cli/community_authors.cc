#include "cli/community_authors.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/proto_time.h"
#include "workers/common/task_input.h"
#include "workers/community/ambassadors.h"

namespace fanfare::cli {
namespace {

using Json = nlohmann::json;

// What content.ambassadors keeps of a ledger.
constexpr int kLedgerAuthors = 500;

std::string Stamp(const google::protobuf::Timestamp& t) {
  return t.seconds() == 0 && t.nanos() == 0 ? "" : workers::Rfc3339(FromProtoTime(t));
}

std::string Day(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d", FromProtoTime(t), absl::UTCTimeZone());
}

}  // namespace

Json AmbassadorLedger(const v1::ListCommunityAuthorsResponse& response) {
  Json authors = Json::object();
  const int n = std::min(response.authors_size(), kLedgerAuthors);
  for (int i = 0; i < n; ++i) {
    const v1::CommunityAuthor& a = response.authors(i);
    Json posts = Json::object();
    for (const v1::CommunityAuthor::Post& p : a.posts()) {
      posts[p.post_id()] = {{"sum", p.sentiment() * static_cast<double>(p.comments())},
                            {"n", p.comments()},
                            {"last", Stamp(p.last())},
                            {"comment_id", p.comment_id()}};
    }
    authors[a.id()] = {{"handle", a.handle()},
                       {"followers", a.followers()},
                       {"first_seen", Stamp(a.first_seen())},
                       {"last_seen", Stamp(a.last_seen())},
                       {"comments", a.comments()},
                       {"positive", a.positive()},
                       {"negative", a.negative()},
                       {"last_negative", Stamp(a.last_negative())},
                       {"posts", std::move(posts)}};
  }
  return Json{{"authors", std::move(authors)}, {"seen", Json::array()}};
}

absl::StatusOr<Json> Ambassadors(const v1::ListCommunityAuthorsResponse& response, int top,
                                 int min_posts) {
  const Json input = {{"ledger", AmbassadorLedger(response)}, {"comments", Json::array()},
                      {"top", top}, {"min_posts", min_posts}};
  const absl::Time as_of = FromProtoTime(response.as_of());
  absl::StatusOr<Json> scored = workers::community::ScoreAmbassadors(input, as_of);
  if (!scored.ok()) return scored.status();
  return Json{{"ambassadors", (*scored)["ambassadors"]}, {"authors", (*scored)["authors"]},
              {"as_of", workers::Rfc3339(as_of)}};
}

std::string RenderAuthors(const v1::ListCommunityAuthorsResponse& response) {
  if (response.authors().empty()) return "No authors known on this account yet.\n";
  std::string out = absl::StrFormat("%-24s %8s %5s %5s %10s  %-10s  %-10s\n", "AUTHOR", "COMMENTS",
                                    "+", "-", "FOLLOWERS", "FIRST SEEN", "LAST SEEN");
  for (const v1::CommunityAuthor& a : response.authors()) {
    absl::StrAppend(&out, absl::StrFormat("%-24s %8d %5d %5d %10d  %-10s  %-10s\n",
                                          absl::StrCat("@", a.handle().empty() ? a.id() : a.handle()),
                                          a.comments(), a.positive(), a.negative(), a.followers(),
                                          Day(a.first_seen()), Day(a.last_seen())));
  }
  return out;
}

std::string RenderAmbassadors(const Json& ambassadors) {
  const Json& listed = ambassadors.at("ambassadors");
  if (!listed.is_array() || listed.empty()) {
    return absl::StrCat("No ambassadors among ", ambassadors.at("authors").get<int64_t>(),
                        " authors as of ", ambassadors.at("as_of").get<std::string>(), ".\n");
  }
  std::string out = absl::StrCat("Ambassadors as of ", ambassadors.at("as_of").get<std::string>(), "\n");
  for (const Json& a : listed) {
    std::vector<std::string> reasons;
    for (const Json& r : a["reasons"]) reasons.push_back(r.get<std::string>());
    absl::StrAppend(&out, absl::StrFormat("  @%-20s score %6.2f  %s\n",
                                          a["handle"].get<std::string>(),
                                          a["score"].get<double>(), absl::StrJoin(reasons, "; ")));
  }
  return out;
}

}  // namespace fanfare::cli
