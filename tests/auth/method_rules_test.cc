#include "auth/method_rules.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "fanfare/v1/accounts.grpc.pb.h"
#include "fanfare/v1/admin.grpc.pb.h"
#include "fanfare/v1/coordinator.grpc.pb.h"
#include "fanfare/v1/worker.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace fanfare::auth {
namespace {

std::set<std::string> ServedMethods() {
  // Loads each service's file into the generated pool (it is linked, but registered lazily).
  v1::StartRunRequest::descriptor();
  v1::PollTasksRequest::descriptor();
  v1::CreateTokenRequest::descriptor();
  v1::PutAccountRequest::descriptor();
  std::set<std::string> methods;
  for (const char* service :
       {v1::CampaignService::service_full_name(), v1::WorkerService::service_full_name(),
        v1::AdminService::service_full_name(), v1::AccountService::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    EXPECT_NE(descriptor, nullptr) << service;
    if (descriptor == nullptr) continue;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      methods.insert(absl::StrCat("/", service, "/", descriptor->method(i)->name()));
    }
  }
  return methods;
}

TEST(MethodRulesTest, EveryServedMethodHasExactlyOneRule) {
  for (const std::string& method : ServedMethods()) {
    int rules = 0;
    for (const MethodRule& rule : MethodRules()) rules += rule.method == method;
    EXPECT_EQ(rules, 1) << method;
  }
}

TEST(MethodRulesTest, EveryRuleNamesAServedMethod) {
  const std::set<std::string> served = ServedMethods();
  for (const MethodRule& rule : MethodRules()) {
    EXPECT_TRUE(served.count(std::string(rule.method))) << rule.method;
  }
  EXPECT_EQ(FindMethodRule("/fanfare.v1.CampaignService/DropEverything"), nullptr);
}

TEST(MethodRulesTest, MethodsThatNameNoNamespaceFieldSayWhereItComesFrom) {
  for (const MethodRule& rule : MethodRules()) {
    if (rule.ns_from != NamespaceFrom::kRequest) continue;
    const std::string method(rule.method);
    const size_t slash = method.rfind('/');
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            method.substr(1, slash - 1));
    ASSERT_NE(service, nullptr) << method;
    const google::protobuf::MethodDescriptor* descriptor =
        service->FindMethodByName(method.substr(slash + 1));
    ASSERT_NE(descriptor, nullptr) << method;
    const google::protobuf::FieldDescriptor* field =
        descriptor->input_type()->FindFieldByName("namespace");
    ASSERT_NE(field, nullptr) << method << " has no `namespace` field";
    EXPECT_EQ(field->type(), google::protobuf::FieldDescriptor::TYPE_STRING) << method;
  }
}

}  // namespace
}  // namespace fanfare::auth
