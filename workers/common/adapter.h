// NetworkAdapter: one social network's actions (publish, insights, boost, set_budget,
// pause, resume), as task handlers the worker runtime can register.
//
//   std::vector<std::unique_ptr<NetworkAdapter>> adapters = MakeAdapters(options, {"x"});
//   absl::StatusOr<google::protobuf::Value> out = adapters[0]->Run("publish", ctx);
//
// (MakeAdapters and the handler list live in workers/registry/adapters.h.)
//
// Every adapter resolves ctx.account() through the CredentialStore, validates ctx.input(),
// talks to the network through the one HttpClient, and returns the normalised outputs of
// workers/common/outputs.h. Failures are built with sdk/worker/task_errors.h and pass
// through CredentialStore::Redact, so no token can reach a message.
//
// When ctx.is_reconcile(), a non-idempotent action reads the network back instead of acting
// (publish: finds the post by its content; returns the original output or
// OutcomeUnknown("… not found …", "not_found")); an idempotent action simply runs again.
//
// A boost is the exception: every attempt of it, EXECUTE or RECONCILE, takes the same walk
// (workers/common/boost_chain.h). Every object a boost creates is named "Fanfare " +
// ClientReference(idempotency key), or hangs under one that is; each attempt looks the
// campaign up by that name, then each level under its parent, and creates only what a
// complete lookup did not find — so one step never has a second campaign, ad set or ad. The
// only difference: with no campaign, an EXECUTE creates it and a RECONCILE answers
// OutcomeUnknown("… not found …", "not_found"). That code means "a lookup completed and found
// no campaign"; a lookup that failed or could not be read to its end answers another failure.
#ifndef FANFARE_WORKERS_COMMON_ADAPTER_H_
#define FANFARE_WORKERS_COMMON_ADAPTER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "sdk/worker/task_context.h"
#include "workers/common/credentials.h"
#include "workers/common/http_client.h"
#include "workers/common/json_value.h"
#include "workers/common/task_input.h"

namespace fanfare::workers {

struct ActionSpec {
  std::string verb;  // "publish"
  // False when running the action twice could act twice (publish, boost).
  bool idempotent = true;
};

// Where a network's APIs live. `api` serves content, `ads` the advertising API, `auth` the
// OAuth token endpoint. Pointing all three at one sandbox prefix is the usual test setup.
struct NetworkEndpoints {
  std::string api;
  std::string ads;
  std::string auth;
};

// The production hosts, e.g. facebook → https://graph.facebook.com for api and ads.
NetworkEndpoints DefaultEndpoints(absl::string_view network);

struct AdapterOptions {
  // Required; must outlive the adapters.
  CredentialStore* credentials = nullptr;
  HttpClient* http = nullptr;
  // Per network; a network not listed uses DefaultEndpoints().
  std::map<std::string, NetworkEndpoints> endpoints;

  absl::Duration request_timeout = absl::Seconds(30);
  // Asynchronous processing (Instagram containers, TikTok and YouTube uploads) is polled
  // every `poll_interval`, at most `max_polls` times, then reported as still unknown.
  absl::Duration poll_interval = absl::Seconds(2);
  int max_polls = 90;
  // How adapters wait between polls; absl::SleepFor when unset. Tests pass a no-op.
  std::function<void(absl::Duration)> sleep;

  std::string graph_version = "v19.0";     // Facebook / Instagram Graph API
  std::string linkedin_version = "202411";  // Linkedin-Version header (YYYYMM)
  std::string x_ads_version = "12";         // X Ads API path version
  // Upload chunk sizes: YouTube needs multiples of 256 KiB; TikTok chunks are 5–64 MB
  // (a video under 5 MB goes as one chunk).
  int64_t youtube_chunk_bytes = 8 * 1024 * 1024;
  int64_t tiktok_chunk_bytes = 10 * 1024 * 1024;
  int64_t max_media_bytes = 512LL * 1024 * 1024;
  // Reconcile looks for a post this far back.
  absl::Duration reconcile_lookback = absl::Hours(72);
  // Sandbox-only extension parameters (exact hours where the real API reports whole days:
  // LinkedIn adAnalytics). Unset: sent only when the network's ads endpoint is not its
  // production host, so that the real APIs never see them.
  std::optional<bool> sandbox_extensions;
};

// Applies one `--api-base` flag: "x=http://127.0.0.1:7700/x" sets api, ads and auth of x;
// "x.ads=URL", "x.api=URL", "x.auth=URL" set one of them. InvalidArgument otherwise.
absl::Status ParseApiBaseFlag(absl::string_view flag, AdapterOptions& options);

// Thread-safe: Run may be called from many handler threads at once.
class NetworkAdapter {
 public:
  virtual ~NetworkAdapter() = default;
  virtual absl::string_view network() const = 0;
  virtual std::vector<ActionSpec> actions() const = 0;
  // Runs `verb` ("publish") for one task attempt.
  virtual absl::StatusOr<google::protobuf::Value> Run(absl::string_view verb,
                                                      TaskContext& ctx) = 0;
};

// What one action invocation has at hand.
struct ActionCall {
  TaskContext& ctx;
  TaskInput input;
  AccountCredentials account;
  const AdapterOptions& options;
  const NetworkEndpoints& endpoints;

  absl::Time now() const { return ctx.clock().Now(); }
  // Whether to send sandbox-only extension parameters (AdapterOptions::sandbox_extensions).
  bool sandbox_extensions() const;
  // Waits one poll interval; false if the task was cancelled meanwhile.
  bool PollWait() const;
};

using ActionFn = std::function<absl::StatusOr<Json>(ActionCall&)>;

// Dispatch, account resolution, input wrapping, cancellation, reconcile routing and
// redaction, shared by every adapter. Subclasses register their verbs in the constructor.
class AdapterBase : public NetworkAdapter {
 public:
  absl::string_view network() const override { return network_; }
  std::vector<ActionSpec> actions() const override;
  absl::StatusOr<google::protobuf::Value> Run(absl::string_view verb, TaskContext& ctx) override;

 protected:
  AdapterBase(std::string network, const AdapterOptions& options);
  // `reconcile` settles an earlier attempt of unknown outcome; required for a
  // non-idempotent verb (without one, reconcile reports that it cannot tell).
  void Register(std::string verb, bool idempotent, ActionFn run, ActionFn reconcile = nullptr);
  const AdapterOptions& options() const { return options_; }

 private:
  struct Entry {
    bool idempotent;
    ActionFn run;
    ActionFn reconcile;
  };
  absl::StatusOr<Json> Dispatch(const Entry& entry, absl::string_view verb, TaskContext& ctx);

  std::string network_;
  const AdapterOptions& options_;
  NetworkEndpoints endpoints_;
  std::vector<std::string> order_;
  std::map<std::string, Entry, std::less<>> verbs_;
};

// The same failure with `redact` applied to its message (type, code, retry_after kept).
absl::Status RedactStatus(const absl::Status& status,
                          const std::function<std::string(absl::string_view)>& redact);
// The same failure with `code` as its code (type, message, retry_after kept).
absl::Status Recode(const absl::Status& status, absl::string_view code);

// A short stable reference derived from the task's idempotency key ("fanfare-1a2b3c4d5e6f"),
// for APIs that keep a client-chosen name or tag we can find again at reconcile.
std::string ClientReference(absl::string_view idempotency_key);

// `text` followed by `separator` and `link`, unless the text already holds the link (as
// content.generate's variants do): a post never shows the same URL twice.
std::string AppendLink(std::string text, absl::string_view separator, absl::string_view link);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_ADAPTER_H_
