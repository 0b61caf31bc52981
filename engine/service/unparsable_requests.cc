#include "engine/service/unparsable_requests.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/support/interceptor.h"

namespace fanfare::service {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Turns the library's answer to an unparsable request into `message_`.
class UnparsableRequestInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit UnparsableRequestInterceptor(const std::string* message) : message_(*message) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      // Fanfare's handlers never answer UNIMPLEMENTED without a message: this one came from
      // the library, which answers so only when the request did not parse (or a handler
      // threw, which they do not).
      const grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        methods->ModifySendStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message_));
      }
    }
    methods->Proceed();
  }

 private:
  const std::string& message_;
};

class UnparsableRequestFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit UnparsableRequestFactory(const std::vector<std::string>& services) {
    const google::protobuf::DescriptorPool& pool = *google::protobuf::DescriptorPool::generated_pool();
    for (const std::string& name : services) {
      const google::protobuf::ServiceDescriptor* service = pool.FindServiceByName(name);
      for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
        const google::protobuf::MethodDescriptor& method = *service->method(i);
        // Streams of requests parse their own messages (and would pay for an interceptor on
        // every message).
        if (method.client_streaming()) continue;
        messages_[absl::StrCat("/", name, "/", method.name())] = UnparsableMessage(method);
      }
    }
  }

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    auto it = info->method() == nullptr ? messages_.end() : messages_.find(info->method());
    // Other methods (health, reflection, unknown ones) are left alone: no interceptor at all.
    return it == messages_.end() ? nullptr : new UnparsableRequestInterceptor(&it->second);
  }

 private:
  // By gRPC method path, "/fanfare.v1.CampaignService/StartRun". Never changed after
  // construction, so read concurrently without a lock.
  absl::flat_hash_map<std::string, std::string> messages_;
};

}  // namespace

std::string UnparsableMessage(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat(method.name(), ": ",
                      method.client_streaming() ? "a message" : "the request",
                      " is not a valid ", method.input_type()->full_name(),
                      " (unparsable protobuf, invalid UTF-8 in a string field, or nesting "
                      "deeper than 100)");
}

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
UnparsableRequestInterceptors(const std::vector<std::string>& services) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<UnparsableRequestFactory>(services));
  return out;
}

}  // namespace fanfare::service
