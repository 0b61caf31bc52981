#include "cli/remote.h"

#include <ostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "sdk/client/channel.h"

namespace fanfare::cli {

std::vector<FlagSpec> RemoteFlags(std::vector<FlagSpec> flags, bool with_output) {
  if (with_output) flags.push_back({"output", "FORMAT", "table (default), json or yaml"});
  flags.push_back(
      {"address", "HOST:PORT",
       absl::StrCat("fanfared's address (default $FANFARE_ADDRESS, else ", kDefaultAddress, ")")});
  flags.push_back({"token", "TOKEN", "API token to call with (default $FANFARE_TOKEN)"});
  flags.push_back({"tls-ca", "FILE",
                   "dial TLS, checking fanfared's certificate against this CA bundle (default "
                   "$FANFARE_TLS_CA)"});
  flags.push_back({"tls-cert", "FILE",
                   "client certificate, for a fanfared that requires one (default "
                   "$FANFARE_TLS_CERT)"});
  flags.push_back({"tls-key", "FILE", "the client certificate's key (default $FANFARE_TLS_KEY)"});
  flags.push_back({"namespace", "NS", "namespace of campaigns and runs (default \"default\")"});
  flags.push_back({"identity", "NAME", "who you are, recorded in history (default $USER)"});
  return flags;
}

absl::StatusOr<Remote> PrepareRemote(const Args& args, const CliContext& context,
                                     absl::string_view verb, absl::string_view operands,
                                     size_t min_operands, size_t max_operands) {
  const size_t n = args.positional().size();
  if (n < min_operands || n > max_operands) {
    const std::string usage =
        absl::StrCat("usage: fanfare ", verb, " [FLAGS]", operands.empty() ? "" : " ", operands);
    if (n > max_operands) {
      return absl::InvalidArgumentError(absl::StrCat(
          verb, ": unexpected argument '", args.positional()[max_operands], "'; ", usage));
    }
    return absl::InvalidArgumentError(absl::StrCat(verb, " needs ", operands, "; ", usage));
  }
  Remote remote;
  absl::StatusOr<OutputFormat> format = ParseOutputFormat(args.GetOr("output", "table"));
  if (!format.ok()) return format.status();
  remote.format = *format;
  remote.style.placeholders = context.placeholder_times;

  ClientOptions options;
  options.address = args.GetOr(
      "address", context.address_from_env.empty() ? kDefaultAddress : context.address_from_env);
  options.ns = args.GetOr("namespace", "default");
  options.identity = args.GetOr("identity", context.user_from_env);
  options.token = args.GetOr("token", context.token_from_env);
  absl::StatusOr<ClientTls> tls = ReadClientTls({args.GetOr("tls-ca", context.tls_ca_from_env),
                                                 args.GetOr("tls-cert", context.tls_cert_from_env),
                                                 args.GetOr("tls-key", context.tls_key_from_env)});
  if (!tls.ok()) return tls.status();
  options.tls = tls->enabled;
  options.tls_root_certs = tls->root_certs;
  options.tls_cert_chain = tls->cert_chain;
  options.tls_private_key = tls->private_key;
  if (options.address.empty()) return absl::InvalidArgumentError("--address is empty");
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(std::move(options));
  if (!client.ok()) return client.status();
  remote.client = *std::move(client);
  return remote;
}

int UsageError(const absl::Status& status, CliContext& context) {
  context.err << "error: " << status.message() << "\n";
  return kExitUsage;
}

int ReportRemoteError(const absl::Status& status, const Client& client, CliContext& context) {
  const std::string& address = client.options().address;
  std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      if (!absl::StartsWith(message, "cannot reach")) {
        message = absl::StrCat("cannot reach fanfared at ", address, ": ", message);
      }
      absl::StrAppend(&message,
                      " — is it running? Start it with `fanfared`, or point "
                      "--address or FANFARE_ADDRESS at it");
      break;
    case absl::StatusCode::kUnauthenticated:
      if (absl::StartsWith(message, "no credentials")) {
        absl::StrAppend(&message, " — pass one with --token or FANFARE_TOKEN (docs/security.md)");
      }
      break;
    case absl::StatusCode::kDeadlineExceeded:
      message = absl::StrCat("fanfared at ", address, " did not answer in time: ", message,
                             " — it may be overloaded; try again");
      break;
    case absl::StatusCode::kNotFound:
      if (absl::StartsWith(message, "run '") && absl::StrContains(message, "not found")) {
        absl::StrAppend(&message, " — `fanfare list` shows the runs there");
      } else if (absl::StartsWith(message, "campaign '") &&
                 absl::StrContains(message, "not found")) {
        absl::StrAppend(&message,
                        " — apply it with `fanfare apply FILE`; `fanfare campaigns` "
                        "shows the campaigns there");
      }
      break;
    default:
      break;
  }
  return ReportError(absl::Status(status.code(), message), context);
}

int PrintResult(const Remote& remote, const google::protobuf::Message& message,
                const std::string& table, CliContext& context) {
  if (remote.format == OutputFormat::kTable) {
    context.out << table;
    return kExitOk;
  }
  absl::Status printed = PrintMessage(message, remote.format, context.out);
  return printed.ok() ? kExitOk : ReportError(printed, context);
}

}  // namespace fanfare::cli
