// The factory the worker binary calls: builds the network adapters and lists their actions
// as (action name, idempotent, handler) triples for fanfare::Worker::Handle.
//
//   AdapterOptions options;
//   options.credentials = store.get();          // CredentialStore::LoadFile(...)
//   options.http = &http;                       // CurlHttpClient
//   for (const std::string& flag : api_base_flags) RETURN_IF_ERROR(ParseApiBaseFlag(flag, options));
//   ASSIGN_OR_RETURN(auto adapters, MakeAdapters(options, {"facebook", "x"}));
//   for (const ActionHandler& h : ListHandlers(adapters)) worker.Handle(h.action, h.handler);
//
// The adapters must outlive the handlers (which call into them), and `options` (with the
// store and client it points to) must outlive the adapters.
#ifndef FANFARE_WORKERS_REGISTRY_ADAPTERS_H_
#define FANFARE_WORKERS_REGISTRY_ADAPTERS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sdk/worker/task_context.h"
#include "workers/common/adapter.h"

namespace fanfare::workers {

// Every network Fanfare's workers serve, in catalogue order.
const std::vector<std::string>& SupportedNetworks();

// One adapter per network in `networks` (all when empty). InvalidArgument naming an unknown
// network. REQUIRES: options.credentials and options.http are set.
absl::StatusOr<std::vector<std::unique_ptr<NetworkAdapter>>> MakeAdapters(
    const AdapterOptions& options, const std::vector<std::string>& networks = {});

struct ActionHandler {
  std::string action;  // "facebook.publish"
  bool idempotent;     // false: a lost attempt must be reconciled, not retried
  TaskHandler handler;
};

// Handlers for every action of `adapters`. Each handler takes the verb from its action name
// and calls NetworkAdapter::Run.
std::vector<ActionHandler> ListHandlers(
    const std::vector<std::unique_ptr<NetworkAdapter>>& adapters);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_REGISTRY_ADAPTERS_H_
