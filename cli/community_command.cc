// `fanfare community authors|ambassadors --network N --account A`: what the coordinator knows
// of the people who comment on one account (cli/community_authors.h).
#include "absl/strings/str_cat.h"
#include "cli/community_authors.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"

namespace fanfare::cli {
int CommunityVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote =
      PrepareRemote(args, context, "community", "authors|ambassadors", 1, 1);
  if (!remote.ok()) return UsageError(remote.status(), context);
  const std::string& what = args.positional()[0];
  if (what != "authors" && what != "ambassadors") {
    return UsageError(absl::InvalidArgumentError(absl::StrCat(
                          "unknown `fanfare community ", what, "`: authors or ambassadors")),
                      context);
  }
  if (!args.Has("network") || !args.Has("account")) {
    return UsageError(absl::InvalidArgumentError(
                          "--network and --account name the account, e.g. --network x "
                          "--account acme_x"),
                      context);
  }
  absl::StatusOr<int64_t> top = args.GetInt("top", 5, 1, 50);
  if (!top.ok()) return UsageError(top.status(), context);
  absl::StatusOr<int64_t> min_posts = args.GetInt("min-posts", 3, 1, 100);
  if (!min_posts.ok()) return UsageError(min_posts.status(), context);
  Client& client = *remote->client;
  absl::StatusOr<v1::ListCommunityAuthorsResponse> authors =
      client.ListCommunityAuthors(*args.Get("network"), *args.Get("account"));
  if (!authors.ok()) return ReportRemoteError(authors.status(), client, context);
  if (what == "authors") {
    return PrintResult(*remote, *authors, RenderAuthors(*authors), context);
  }
  absl::StatusOr<nlohmann::json> ambassadors =
      Ambassadors(*authors, static_cast<int>(*top), static_cast<int>(*min_posts));
  if (!ambassadors.ok()) return ReportError(ambassadors.status(), context);
  if (remote->format == OutputFormat::kTable) {
    context.out << RenderAmbassadors(*ambassadors) << std::flush;
  } else {
    const std::string json = ambassadors->dump(2) + "\n";
    context.out << (remote->format == OutputFormat::kJson ? json : JsonToYaml(json)) << std::flush;
  }
  return kExitOk;
}

}  // namespace fanfare::cli
