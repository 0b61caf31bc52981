// Unparsable requests: what a client is told when the bytes it sent are not the method's
// message (bad protobuf, invalid UTF-8 in a string field, nesting deeper than protobuf's
// limit of 100).
//
// gRPC's callback API (1.51) answers such a unary or server-streaming request itself, with
// UNIMPLEMENTED and no message, before any Fanfare code runs. The interceptor made here
// rewrites exactly that answer on Fanfare's own methods into INVALID_ARGUMENT naming the
// method and the message type; a method the server does not have stays UNIMPLEMENTED. (The
// Connect stream parses its messages itself and answers the same way: worker_service.cc.)
//
//   builder.experimental().SetInterceptorCreators(UnparsableRequestInterceptors(
//       {v1::CampaignService::service_full_name(), v1::WorkerService::service_full_name()}));
#ifndef FANFARE_ENGINE_SERVICE_UNPARSABLE_REQUESTS_H_
#define FANFARE_ENGINE_SERVICE_UNPARSABLE_REQUESTS_H_

#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "grpcpp/support/server_interceptor.h"

namespace fanfare::service {

// "StartRun: the request is not a valid fanfare.v1.StartRunRequest (unparsable protobuf,
// invalid UTF-8 in a string field, or nesting deeper than 100)"; for a client-streaming
// method, "Connect: a message is not a valid …".
std::string UnparsableMessage(const google::protobuf::MethodDescriptor& method);

// The interceptor factories to install on a server that serves `services` (full names, e.g.
// "fanfare.v1.CampaignService"; they must be in the generated descriptor pool). They act on
// the methods that take one request (unary and server-streaming). Thread-safe.
std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
UnparsableRequestInterceptors(const std::vector<std::string>& services);

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_UNPARSABLE_REQUESTS_H_
