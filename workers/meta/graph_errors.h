// The Graph API's error classifier and protocol, shared by the Facebook and Instagram
// adapters (both speak Graph). Envelope: {"error": {"message", "type", "code",
// "error_subcode", "is_transient", "fbtrace_id"}}.
//
//   code 1, 2, is_transient, HTTP 5xx        → Retryable
//   code 4, 17, 32, 341, 613, 80000–80014,   → Throttled; retry_after from
//   9 (IG publishing limit)                     x-business-use-case-usage's
//                                               estimated_time_to_regain_access, else 15 min
//   code 190, 102 (OAuthException)           → AuthExpired (Meta issues no refresh tokens)
//   code 368 (blocked for policy)            → RejectedInput
//   code 506 (duplicate post)                → Duplicate
//   code 9007 / subcode 2207027 (not ready)  → Retryable
//   anything else                            → RejectedInput
#ifndef FANFARE_WORKERS_META_GRAPH_ERRORS_H_
#define FANFARE_WORKERS_META_GRAPH_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "workers/common/api_session.h"

namespace fanfare::workers::graph {

absl::Status ClassifyGraphError(const HttpResponse& response, absl::string_view what);
bool IsGraphAuthFailure(const HttpResponse& response);
// The protocol for `network` ("facebook" or "instagram"): no token refresh.
NetworkProtocol GraphProtocol(std::string network);

// The longest estimated_time_to_regain_access in x-business-use-case-usage, if any.
absl::Duration RegainAccessDelay(const HttpResponse& response, absl::Duration fallback);

}  // namespace fanfare::workers::graph

#endif  // FANFARE_WORKERS_META_GRAPH_ERRORS_H_
