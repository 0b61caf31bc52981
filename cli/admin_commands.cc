// `fanfare admin tokens create|list|revoke`: API tokens, and `fanfare audit`: the audit
// trail (docs/security.md).
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/durations.h"
#include "base/proto_time.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"

namespace fanfare::cli {
namespace {

constexpr absl::string_view kUsage = "tokens create|list|revoke";

std::string TokenLine(const v1::ApiTokenInfo& token, const RenderStyle& style) {
  const std::string scope = token.cluster_admin()
                                ? "cluster admin"
                                : absl::StrCat(token.role(), " in ", token.namespace_());
  std::string line = absl::StrCat(token.id(), "  ", token.name(), "  ", scope, "  created ",
                                  style.Time(token.created_at()), " by ", token.created_by());
  if (token.has_expires_at()) absl::StrAppend(&line, "  expires ", style.Time(token.expires_at()));
  absl::StrAppend(&line, "  last used ",
                  token.has_last_used_at() ? style.Time(token.last_used_at()) : "never");
  if (token.has_revoked_at()) absl::StrAppend(&line, "  REVOKED ", style.Time(token.revoked_at()));
  return line + "\n";
}

int CreateTokenVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "admin tokens create", "", 2, 2);
  if (!remote.ok()) return UsageError(remote.status(), context);
  v1::CreateTokenRequest request;
  request.set_name(args.GetOr("name", ""));
  request.set_cluster_admin(args.Has("cluster-admin"));
  if (!request.cluster_admin()) request.set_role(args.GetOr("role", ""));
  if (request.name().empty() || (!request.cluster_admin() && request.role().empty())) {
    return UsageError(absl::InvalidArgumentError(
                          "admin tokens create needs --name and --role (or --cluster-admin)"),
                      context);
  }
  if (const std::optional<std::string> expires = args.Get("expires")) {
    absl::StatusOr<absl::Duration> ttl = ParseDuration(*expires);
    if (!ttl.ok()) {
      return UsageError(
          absl::InvalidArgumentError(absl::StrCat("--expires: ", ttl.status().message())), context);
    }
    *request.mutable_expires_in() = ToProtoDuration(*ttl);
  }
  absl::StatusOr<v1::CreateTokenResponse> created = remote->client->CreateToken(request);
  if (!created.ok()) return ReportRemoteError(created.status(), *remote->client, context);
  return PrintResult(
      *remote, *created,
      absl::StrCat(created->secret(), "\n\n", TokenLine(created->token(), remote->style),
                   "The token is shown this once; fanfared keeps only its hash.\n"),
      context);
}

int ListTokensVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "admin tokens list", "", 2, 2);
  if (!remote.ok()) return UsageError(remote.status(), context);
  v1::ListTokensRequest request;
  request.set_cluster_admins(args.Has("cluster-admins"));
  absl::StatusOr<v1::ListTokensResponse> listed = remote->client->ListTokens(request);
  if (!listed.ok()) return ReportRemoteError(listed.status(), *remote->client, context);
  std::string lines;
  for (const v1::ApiTokenInfo& token : listed->tokens()) {
    absl::StrAppend(&lines, TokenLine(token, remote->style));
  }
  if (lines.empty()) lines = "no tokens\n";
  return PrintResult(*remote, *listed, lines, context);
}

int RevokeTokenVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "admin tokens revoke", "ID", 3, 3);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<v1::ApiTokenInfo> revoked = remote->client->RevokeToken(args.positional()[2]);
  if (!revoked.ok()) return ReportRemoteError(revoked.status(), *remote->client, context);
  return PrintResult(*remote, *revoked, TokenLine(*revoked, remote->style), context);
}

std::string AuditLine(const v1::AuditEntry& entry, const RenderStyle& style) {
  const std::string who =
      entry.subject().empty() ? "(unauthenticated)"
                              : absl::StrCat(entry.subject(), " (", entry.issuer(), ")");
  std::string line = absl::StrCat(style.Time(entry.time()), "  ",
                                  entry.allowed() ? "allowed" : "DENIED", "  ", entry.method(),
                                  "  ", entry.target().empty() ? "-" : entry.target(), "  by ",
                                  who);
  if (!entry.allowed()) absl::StrAppend(&line, "  ", entry.denial());
  return line + "\n";
}

}  // namespace

int AuditVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "audit", "", 0, 0);
  if (!remote.ok()) return UsageError(remote.status(), context);
  v1::ListAuditRequest request;
  if (const std::optional<std::string> since = args.Get("since")) {
    absl::StatusOr<absl::Duration> ago = ParseDuration(*since);
    if (!ago.ok()) {
      return UsageError(
          absl::InvalidArgumentError(absl::StrCat("--since: ", ago.status().message())),
          context);
    }
    *request.mutable_since() = ToProtoTime(absl::Now() - *ago);
  }
  int limit = 50;
  if (const std::optional<std::string> text = args.Get("limit");
      text.has_value() && (!absl::SimpleAtoi(*text, &limit) || limit < 1 || limit > 1000)) {
    return UsageError(absl::InvalidArgumentError("--limit: a number from 1 to 1000"), context);
  }
  request.set_page_size(limit);
  request.set_page_token(args.GetOr("page-token", ""));
  absl::StatusOr<v1::ListAuditResponse> listed = remote->client->ListAudit(request);
  if (!listed.ok()) return ReportRemoteError(listed.status(), *remote->client, context);
  std::string lines;
  for (const v1::AuditEntry& entry : listed->entries()) {
    absl::StrAppend(&lines, AuditLine(entry, remote->style));
  }
  if (lines.empty()) lines = "no audit records\n";
  if (!listed->next_page_token().empty()) {
    absl::StrAppend(&lines, "more: --page-token ", listed->next_page_token(), "\n");
  }
  return PrintResult(*remote, *listed, lines, context);
}

int AdminVerb(const Args& args, CliContext& context) {
  const std::vector<std::string>& operands = args.positional();
  if (operands.size() < 2 || operands[0] != "tokens") {
    return UsageError(absl::InvalidArgumentError(absl::StrCat("usage: fanfare admin ", kUsage)),
                      context);
  }
  if (operands[1] == "create") return CreateTokenVerb(args, context);
  if (operands[1] == "list") return ListTokensVerb(args, context);
  if (operands[1] == "revoke") return RevokeTokenVerb(args, context);
  return UsageError(absl::InvalidArgumentError(absl::StrCat("admin tokens: unknown '", operands[1],
                                                            "'; usage: fanfare admin ", kUsage)),
                    context);
}

}  // namespace fanfare::cli
