// `fanfare accounts list|add|import|remove`: the network accounts fanfared holds, their
// secrets sealed (docs/networks.md, "Accounts held by the coordinator"). Secrets are read from
// files, never from the command line, and are never printed.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "accounts/account_secrets.h"
#include "base/files.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"
#include "nlohmann/json.hpp"

namespace fanfare::cli {
namespace {

using Json = nlohmann::json;

constexpr absl::string_view kUsage =
    "list | add ALIAS --network NET --file FIELDS.json | import CREDENTIALS.json | "
    "connect NETWORK --alias ALIAS --client-id ID | remove ALIAS";

std::string AccountLine(const v1::Account& account, const RenderStyle& style) {
  std::vector<std::string> settings;
  for (const auto& [name, value] : account.settings()) {
    settings.push_back(absl::StrCat(name, "=", value));
  }
  std::sort(settings.begin(), settings.end());
  return absl::StrCat(account.alias(), "  ", account.network(), "  v", account.version(),
                      "  secrets: ",
                      account.secrets().empty() ? "none" : absl::StrJoin(account.secrets(), ","),
                      settings.empty() ? "" : absl::StrCat("  ", absl::StrJoin(settings, " ")),
                      "  updated ", style.Time(account.updated_at()),
                      account.updated_by().empty() ? "" : " by ", account.updated_by(),
                      account.has_access_token_expires_at()
                          ? absl::StrCat("  token expires ",
                                         style.Time(account.access_token_expires_at()))
                          : "",
                      account.renewals() > 0
                          ? absl::StrCat("  renewed ", account.renewals(), "x, last ",
                                         style.Time(account.renewed_at()))
                          : "",
                      account.has_renewal_started_at() ? "  RENEWING" : "",
                      account.needs_reconnecting()
                          ? absl::StrCat("  NEEDS RECONNECTING since ",
                                         style.Time(account.needs_reconnecting_since()), ": ",
                                         account.reconnect_reason())
                          : "",
                      "\n");
}

// An account's fields (one entry of a credentials file: {"network": …, "access_token": …})
// as a request: the secrets (…_token, …_secret) apart from the settings.
absl::StatusOr<v1::PutAccountRequest> AccountRequest(const std::string& alias, const Json& fields,
                                                     const std::string& network,
                                                     const std::string& source) {
  if (!fields.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": account '", alias, "' must be an object of string fields"));
  }
  v1::PutAccountRequest request;
  request.set_alias(alias);
  request.set_network(network);
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (!it->is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": field '", it.key(),
                                                     "' of account '", alias,
                                                     "' must be a string"));
    }
    const std::string& name = it.key();
    if (name == "network") {
      if (request.network().empty()) request.set_network(it->get<std::string>());
      continue;
    }
    auto& into = accounts::IsSecretName(name) ? *request.mutable_secrets()
                                              : *request.mutable_settings();
    into[name] = it->get<std::string>();
  }
  if (request.network().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": account '", alias, "' names no network"));
  }
  return request;
}

absl::StatusOr<Json> ReadJsonFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  Json json = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(path, ": not JSON"));
  return json;
}

int ListAccountsVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "accounts list", "", 1, 1);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<v1::ListAccountsResponse> listed = remote->client->ListAccounts();
  if (!listed.ok()) return ReportRemoteError(listed.status(), *remote->client, context);
  std::string lines;
  for (const v1::Account& account : listed->accounts()) {
    absl::StrAppend(&lines, AccountLine(account, remote->style));
  }
  if (lines.empty()) lines = "no accounts\n";
  return PrintResult(*remote, *listed, lines, context);
}

int AddAccountVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "accounts add", "ALIAS", 2, 2);
  if (!remote.ok()) return UsageError(remote.status(), context);
  const std::string file = args.GetOr("file", "");
  if (file.empty()) {
    return UsageError(absl::InvalidArgumentError(
                          "accounts add needs --file FIELDS.json (the secrets stay off the "
                          "command line)"),
                      context);
  }
  absl::StatusOr<Json> fields = ReadJsonFile(file);
  absl::StatusOr<v1::PutAccountRequest> request =
      fields.ok() ? AccountRequest(args.positional()[1], *fields, args.GetOr("network", ""), file)
                  : absl::StatusOr<v1::PutAccountRequest>(fields.status());
  if (!request.ok()) return UsageError(request.status(), context);
  absl::StatusOr<v1::Account> stored = remote->client->PutAccount(*request);
  if (!stored.ok()) return ReportRemoteError(stored.status(), *remote->client, context);
  return PrintResult(*remote, *stored, AccountLine(*stored, remote->style), context);
}

int ImportAccountsVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote =
      PrepareRemote(args, context, "accounts import", "CREDENTIALS.json", 2, 2);
  if (!remote.ok()) return UsageError(remote.status(), context);
  const std::string& path = args.positional()[1];
  absl::StatusOr<Json> file = ReadJsonFile(path);
  if (!file.ok()) return UsageError(file.status(), context);
  if (!file->is_object() || !file->contains("accounts") || !(*file)["accounts"].is_object()) {
    return UsageError(
        absl::InvalidArgumentError(absl::StrCat(
            path, ": a credentials file is {\"accounts\": {\"<alias>\": {\"network\": …}}}")),
        context);
  }
  // Every account is checked before any is stored.
  const Json& accounts = (*file)["accounts"];
  std::vector<v1::PutAccountRequest> requests;
  for (auto it = accounts.begin(); it != accounts.end(); ++it) {
    absl::StatusOr<v1::PutAccountRequest> request = AccountRequest(it.key(), *it, "", path);
    if (!request.ok()) return UsageError(request.status(), context);
    requests.push_back(*std::move(request));
  }
  v1::ListAccountsResponse imported;
  std::string lines;
  for (const v1::PutAccountRequest& request : requests) {
    absl::StatusOr<v1::Account> stored = remote->client->PutAccount(request);
    if (!stored.ok()) return ReportRemoteError(stored.status(), *remote->client, context);
    absl::StrAppend(&lines, AccountLine(*stored, remote->style));
    *imported.add_accounts() = *std::move(stored);
  }
  absl::StrAppend(&lines, "imported ", requests.size(), " accounts from ", path,
                  "; their secrets are sealed in fanfared\n");
  return PrintResult(*remote, imported, lines, context);
}

int RemoveAccountVerb(const Args& args, CliContext& context) {
  absl::StatusOr<Remote> remote = PrepareRemote(args, context, "accounts remove", "ALIAS", 2, 2);
  if (!remote.ok()) return UsageError(remote.status(), context);
  absl::StatusOr<v1::Account> removed = remote->client->RemoveAccount(args.positional()[1]);
  if (!removed.ok()) return ReportRemoteError(removed.status(), *remote->client, context);
  return PrintResult(*remote, *removed,
                     absl::StrCat("account ", removed->alias(), " removed\n"), context);
}

}  // namespace

int AccountsVerb(const Args& args, CliContext& context) {
  const std::vector<std::string>& operands = args.positional();
  const std::string verb = operands.empty() ? "" : operands[0];
  if (verb == "list") return ListAccountsVerb(args, context);
  if (verb == "add") return AddAccountVerb(args, context);
  if (verb == "import") return ImportAccountsVerb(args, context);
  if (verb == "remove") return RemoveAccountVerb(args, context);
  if (verb == "connect") return ConnectAccountVerb(args, context);
  return UsageError(absl::InvalidArgumentError(absl::StrCat(
                        verb.empty() ? "accounts: " : absl::StrCat("accounts: unknown '", verb, "'; "),
                        "usage: fanfare accounts ", kUsage)),
                    context);
}

}  // namespace fanfare::cli
