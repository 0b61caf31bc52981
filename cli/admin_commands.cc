// `fanfare admin tokens create|list|revoke`: API tokens, and `fanfare audit`: the audit
// trail (docs/security.md); `fanfare admin backup|status`: the coordinator's backups and
// state (docs/operations.md); `fanfare admin webhooks …` goes on in webhook_commands.cc.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/durations.h"
#include "base/proto_time.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"
#include "cli/render.h"

namespace fanfare::cli {
namespace {

constexpr absl::string_view kUsage =
    "tokens create|list|revoke | backup --to DIR [--keep N] | status | webhooks add|list|remove";
// A backup of a large store takes a while: the call waits this long before giving up on the
// answer (the backup goes on).
constexpr absl::Duration kBackupTimeout = absl::Hours(2);

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

std::string BackupLine(const v1::Backup& backup, const RenderStyle& style) {
  return absl::StrCat("backup ", backup.id(), " in ", backup.directory(), "  made ",
                      style.Time(backup.created_at()), "  ", FormatBytes(backup.size_bytes()),
                      " in ", backup.files(), " files  took ",
                      ShortDuration(FromProtoDuration(backup.took())), "\n");
}

int BackupVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "admin backup", "", 1, 1);
  if (!remote.ok()) return UsageError(remote.status(), context);
  v1::CreateBackupRequest request;
  request.set_directory(args.GetOr("to", ""));
  if (request.directory().empty()) {
    return UsageError(absl::InvalidArgumentError(
                          "admin backup needs --to DIR: a directory on fanfared's machine"),
                      context);
  }
  int keep = 0;
  if (const std::optional<std::string> text = args.Get("keep");
      text.has_value() && (!absl::SimpleAtoi(*text, &keep) || keep < 0)) {
    return UsageError(absl::InvalidArgumentError("--keep: a number, 0 keeps every backup"),
                      context);
  }
  request.set_keep(keep);
  ClientOptions patient = remote->client->options();
  patient.timeout = kBackupTimeout;
  patient.max_retries = 0;
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(patient);
  if (!client.ok()) return ReportRemoteError(client.status(), *remote->client, context);
  absl::StatusOr<v1::Backup> made = (*client)->CreateBackup(request);
  if (!made.ok()) return ReportRemoteError(made.status(), **client, context);
  return PrintResult(*remote, *made, BackupLine(*made, remote->style), context);
}

int StatusVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "admin status", "", 1, 1);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<v1::CoordinatorStatus> status = remote->client->GetStatus();
  if (!status.ok()) return ReportRemoteError(status.status(), *remote->client, context);
  std::string text = absl::StrCat(
      "version      ", status->version(), "\n", "started      ",
      remote->style.Time(status->started_at()), " (up ",
      ShortDuration(FromProtoDuration(status->uptime())), ")\n",
      "data         ", status->data_directory(), "  ", FormatBytes(status->data_bytes()),
      " + log ", FormatBytes(status->wal_bytes()), "\n");
  if (status->backup_directory().empty()) {
    absl::StrAppend(&text, "backups      none scheduled\n");
  } else {
    absl::StrAppend(&text, "backups      every ",
                    ::fanfare::FormatDuration(FromProtoDuration(status->backup_every())), " into ",
                    status->backup_directory(), "\n");
  }
  absl::StrAppend(&text, "last backup  ",
                  status->has_last_backup() ? BackupLine(status->last_backup(), remote->style)
                                            : "none since start-up\n");
  if (status->backups_failed() > 0) {
    absl::StrAppend(&text, "failed       ", status->backups_failed(), " (last: ",
                    status->last_backup_error(), ")\n");
  }
  return PrintResult(*remote, *status, text, context);
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
  if (!operands.empty() && operands[0] == "backup") return BackupVerb(args, context);
  if (!operands.empty() && operands[0] == "status") return StatusVerb(args, context);
  if (!operands.empty() && operands[0] == "webhooks") return WebhooksVerb(args, context);
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
