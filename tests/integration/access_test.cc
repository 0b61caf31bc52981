// Identity and access over real gRPC: a coordinator that requires API tokens, on 127.0.0.1:0,
// called with tokens of each role. Every RPC of the method table is called with every role.
#include "auth/access.h"
#include "auth/jwt_verifier.h"

#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "auth/method_rules.h"
#include "fanfare/v1/admin.grpc.pb.h"
#include "fanfare/v1/coordinator.grpc.pb.h"
#include "fanfare/v1/worker.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/coordinator_env.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_jwt.h"

namespace fanfare {
namespace {

using auth::Role;
using testing::CoordinatorEnv;

constexpr Role kRoles[] = {Role::kViewer, Role::kOperator, Role::kApprover, Role::kWorker,
                           Role::kAdmin};

class AccessTest : public ::testing::Test {
 protected:
  AccessTest()
      : clock_(absl::Now()),
        env_({.clock = &clock_, .authenticate = true}),
        channel_(grpc::CreateChannel(env_.address(), grpc::InsecureChannelCredentials())),
        campaigns_(v1::CampaignService::NewStub(channel_)),
        admin_(v1::AdminService::NewStub(channel_)),
        workers_(v1::WorkerService::NewStub(channel_)) {}

  // A new token made by the cluster admin: its text.
  std::string NewToken(absl::string_view ns, Role role, absl::string_view name = "t",
                       absl::Duration expires_in = absl::ZeroDuration()) {
    v1::CreateTokenRequest request;
    request.set_namespace_(std::string(ns));
    request.set_role(std::string(auth::RoleName(role)));
    request.set_name(std::string(name));
    if (expires_in > absl::ZeroDuration()) {
      request.mutable_expires_in()->set_seconds(absl::ToInt64Seconds(expires_in));
    }
    v1::CreateTokenResponse response;
    grpc::ClientContext context;
    Authorize(context, env_.admin_token());
    const grpc::Status status = admin_->CreateToken(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.secret();
  }

  static void Authorize(grpc::ClientContext& context, const std::string& token) {
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  }

  grpc::Status ListRuns(const std::string& token, absl::string_view ns = "acme") {
    grpc::ClientContext context;
    Authorize(context, token);
    v1::ListRunsRequest request;
    request.set_namespace_(std::string(ns));
    v1::ListRunsResponse response;
    return campaigns_->ListRuns(&context, request, &response);
  }

  // Calls a unary `method` (a full name) with `request`, as `token`.
  grpc::Status CallUnary(const std::string& method, const google::protobuf::Message& request,
                         const std::string& token) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    Authorize(context, token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Slice slice(request.SerializeAsString());
    grpc::ByteBuffer in(&slice, 1);
    grpc::ByteBuffer out;
    grpc::CompletionQueue queue;
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
        stub.PrepareUnaryCall(&context, method, in, &queue);
    call->StartCall();
    grpc::Status status;
    call->Finish(&out, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(queue.Next(&tag, &ok));
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    return status;
  }

  ManualClock clock_;
  CoordinatorEnv env_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CampaignService::Stub> campaigns_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::WorkerService::Stub> workers_;
};

// A request for `rule`'s method whose namespace is `ns`, and otherwise empty.
std::unique_ptr<google::protobuf::Message> RequestFor(const auth::MethodRule& rule,
                                                      const std::string& ns) {
  const std::string method(rule.method);
  const size_t slash = method.rfind('/');
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()
          ->FindServiceByName(method.substr(1, slash - 1))
          ->FindMethodByName(method.substr(slash + 1));
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(descriptor->input_type())
          ->New());
  if (rule.ns_from == auth::NamespaceFrom::kRequest) {
    request->GetReflection()->SetString(request.get(),
                                        descriptor->input_type()->FindFieldByName("namespace"), ns);
  } else if (rule.ns_from == auth::NamespaceFrom::kCampaignSpec) {
    static_cast<v1::ApplyCampaignRequest*>(request.get())
        ->mutable_spec()
        ->mutable_metadata()
        ->set_namespace_(ns);
  }
  return request;
}

bool IsUnary(const auth::MethodRule& rule) {
  return !absl::EndsWith(rule.method, "/Connect") && !absl::EndsWith(rule.method, "/WatchRun");
}

TEST_F(AccessTest, EveryMissingOrBadTokenIsUnauthenticatedAndSaysWhich) {
  const std::string expiring = NewToken("acme", Role::kViewer, "short", absl::Hours(1));
  const std::string revoked = NewToken("acme", Role::kViewer, "gone");
  {
    grpc::ClientContext context;
    Authorize(context, env_.admin_token());
    v1::RevokeTokenRequest request;
    request.set_namespace_("acme");
    request.set_id(revoked.substr(4, 16));
    v1::ApiTokenInfo info;
    ASSERT_TRUE(admin_->RevokeToken(&context, request, &info).ok());
    EXPECT_TRUE(info.has_revoked_at());
  }
  ASSERT_TRUE(ListRuns(expiring).ok());
  clock_.Advance(absl::Hours(2));
  std::string wrong_secret = env_.admin_token();
  wrong_secret.back() = wrong_secret.back() == 'A' ? 'B' : 'A';
  const struct {
    std::string token;
    std::string message;
  } cases[] = {
      {"", "no credentials"},
      {"not-a-token", "the token is malformed"},
      {wrong_secret, "unknown token"},
      {"fft_0123456789abcdef_" + std::string(43, 'A'), "unknown token"},
      {expiring, "token short expired at"},
      {revoked, "token gone was revoked at"},
  };
  for (const auto& c : cases) {
    const grpc::Status status = ListRuns(c.token);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << c.token;
    EXPECT_TRUE(absl::StartsWith(status.error_message(), c.message))
        << c.token << ": " << status.error_message();
  }
}

TEST_F(AccessTest, ClusterMethodsAreForClusterAdmins) {
  for (const auth::MethodRule& rule : auth::MethodRules()) {
    if (rule.ns_from != auth::NamespaceFrom::kCluster) continue;
    const grpc::Status status =
        CallUnary(std::string(rule.method), *RequestFor(rule, "acme"), env_.admin_token());
    EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << rule.method << ": " << status.error_message();
  }
}

TEST_F(AccessTest, EachRoleMayCallExactlyItsMethods) {
  for (const Role role : kRoles) {
    const std::string token = NewToken("acme", role, auth::RoleName(role));
    for (const auth::MethodRule& rule : auth::MethodRules()) {
      if (!IsUnary(rule)) continue;
      SCOPED_TRACE(absl::StrCat(auth::RoleName(role), " calling ", rule.method));
      const grpc::Status status =
          CallUnary(std::string(rule.method), *RequestFor(rule, "acme"), token);
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
      // A call about the whole coordinator is for cluster admins, whatever a role carries.
      if (rule.ns_from != auth::NamespaceFrom::kCluster && auth::Grants(role, rule.permission)) {
        EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << status.error_message();
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << status.error_message();
      }
    }
  }
}

TEST_F(AccessTest, NoRoleReachesAnotherNamespace) {
  for (const Role role : kRoles) {
    const std::string token = NewToken("acme", role, auth::RoleName(role));
    for (const auth::MethodRule& rule : auth::MethodRules()) {
      if (!IsUnary(rule) || rule.ns_from == auth::NamespaceFrom::kLeasedTask) continue;
      SCOPED_TRACE(absl::StrCat(auth::RoleName(role), " calling ", rule.method, " in globex"));
      const grpc::Status status =
          CallUnary(std::string(rule.method), *RequestFor(rule, "globex"), token);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
    }
  }
}

TEST_F(AccessTest, EachCallOnOneChannelHasItsOwnTokensRights) {
  const std::string viewer = NewToken("acme", Role::kViewer, "viewer");
  const std::string operator_ = NewToken("globex", Role::kOperator, "operator");
  // Interleaved on one channel (one connection): nothing sticks to the connection.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(ListRuns(viewer, "acme").ok());
    EXPECT_EQ(ListRuns(viewer, "globex").error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_TRUE(ListRuns(operator_, "globex").ok());
    EXPECT_EQ(ListRuns(operator_, "acme").error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(ListRuns("", "acme").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_F(AccessTest, WatchRunIsAReadOfItsNamespace) {
  const std::string viewer = NewToken("acme", Role::kViewer, "viewer");
  const std::string worker = NewToken("acme", Role::kWorker, "worker");
  const auto watch = [&](const std::string& token, const std::string& ns) {
    grpc::ClientContext context;
    Authorize(context, token);
    v1::WatchRunRequest request;
    request.set_namespace_(ns);
    request.set_run_id("no-such-run");
    std::unique_ptr<grpc::ClientReader<v1::HistoryEvent>> reader =
        campaigns_->WatchRun(&context, request);
    v1::HistoryEvent event;
    while (reader->Read(&event)) {
    }
    return reader->Finish().error_code();
  };
  EXPECT_EQ(watch(viewer, "acme"), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(watch(viewer, "globex"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(watch(worker, "acme"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(watch("", "acme"), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AccessTest, AWorkerServesItsOwnNamespaceOnly) {
  const std::string worker = NewToken("acme", Role::kWorker, "meta-1");
  const std::string operator_ = NewToken("acme", Role::kOperator, "ops");
  const auto hello = [&](const std::string& token, const std::string& ns) {
    grpc::ClientContext context;
    Authorize(context, token);
    auto stream = workers_->Connect(&context);
    v1::WorkerMessage message;
    message.mutable_hello()->set_worker_id("w-1");
    message.mutable_hello()->set_namespace_(ns);
    message.mutable_hello()->add_queues("content");
    message.mutable_hello()->set_max_concurrency(1);
    stream->Write(message);
    v1::CoordinatorMessage reply;
    if (stream->Read(&reply) && reply.has_welcome()) {
      context.TryCancel();
      return grpc::StatusCode::OK;
    }
    return stream->Finish().error_code();
  };
  EXPECT_EQ(hello(worker, "acme"), grpc::StatusCode::OK);
  EXPECT_EQ(hello(worker, "globex"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(hello(operator_, "acme"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(hello("", "acme"), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AccessTest, AWorkerIsToldWhyItsSessionIsRefused) {
  WorkerOptions options;
  options.address = env_.address();
  options.ns = "globex";
  options.token = NewToken("acme", Role::kWorker, "meta-1");
  absl::Mutex mu;
  std::vector<std::string> refusals;
  options.on_session_refused = [&](const grpc::Status& status) {
    absl::MutexLock lock(&mu);
    refusals.push_back(absl::StrCat(status.error_code(), " ", status.error_message()));
  };
  Worker worker(options);
  worker.Handle("content.generate", [](TaskContext&) -> absl::StatusOr<google::protobuf::Value> {
    return google::protobuf::Value();
  });
  ASSERT_TRUE(worker.Start().ok());
  {
    absl::MutexLock lock(&mu);
    auto told = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return !refusals.empty(); };
    EXPECT_TRUE(mu.AwaitWithTimeout(absl::Condition(&told), absl::Seconds(10)));
    ASSERT_FALSE(refusals.empty());
    EXPECT_EQ(refusals[0], absl::StrCat(grpc::StatusCode::PERMISSION_DENIED,
                                        " token meta-1 may not serve tasks in namespace globex"));
  }
  worker.Stop();
}

// A worker token reports on its own namespace's tasks only: another namespace's task is
// answered as a task that does not exist, and its lease is not extended.
TEST_F(AccessTest, AWorkerCannotReportOnAnotherNamespacesTask) {
  env_.Apply(R"yaml(
namespace: globex
name: held
steps:
  - {id: work, action: crm.work}
)yaml");
  WorkerOptions options;
  options.address = env_.address();
  options.ns = "globex";
  options.token = NewToken("globex", Role::kWorker, "globex-worker");
  Worker holder(options);
  absl::Notification leased;
  absl::Notification release;
  v1::Task held;
  holder.Handle("crm.work", [&](TaskContext& ctx) -> absl::StatusOr<google::protobuf::Value> {
    held = ctx.task();
    leased.Notify();
    release.WaitForNotificationWithTimeout(absl::Seconds(30));
    return google::protobuf::Value();
  });
  ASSERT_TRUE(holder.Start().ok());
  v1::StartRunRequest start = StartRunRequest("held");
  start.set_namespace_("globex");
  ASSERT_TRUE(env_.client().StartRun(start).ok());
  ASSERT_TRUE(leased.WaitForNotificationWithTimeout(absl::Seconds(10)));

  const std::string intruder = NewToken("acme", Role::kWorker, "acme-worker");
  {
    grpc::ClientContext context;
    Authorize(context, intruder);
    v1::CompleteTaskRequest request;
    request.set_worker_id("globex-worker");
    request.set_task_id(held.task_id());
    request.set_attempt(held.attempt());
    v1::OutcomeAck ack;
    ASSERT_TRUE(workers_->CompleteTask(&context, request, &ack).ok());
    EXPECT_EQ(ack.status(), v1::OutcomeAck::STATUS_UNKNOWN_TASK);
  }
  {
    grpc::ClientContext context;
    Authorize(context, intruder);
    v1::HeartbeatRequest request;
    request.set_worker_id("globex-worker");
    v1::TaskRef& ref = *request.add_tasks();
    ref.set_task_id(held.task_id());
    ref.set_attempt(held.attempt());
    v1::HeartbeatResponse response;
    ASSERT_TRUE(workers_->Heartbeat(&context, request, &response).ok());
    EXPECT_EQ(response.lost_size(), 1);
  }
  // The worker that holds the task still finishes it.
  release.Notify();
  v1::Run run;
  for (int i = 0; i < 200 && run.status() != v1::RUN_STATUS_SUCCEEDED; ++i) {
    grpc::ClientContext context;
    Authorize(context, env_.admin_token());
    v1::GetRunRequest request;
    request.set_namespace_("globex");
    request.set_run_id(held.run_id());
    ASSERT_TRUE(campaigns_->GetRun(&context, request, &run).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(run.status(), v1::RUN_STATUS_SUCCEEDED);
  holder.Stop();
}

// Every state-changing call leaves one audit record, allowed or denied; reads leave none.
TEST_F(AccessTest, TheAuditTrailRecordsWhoDidWhatAndWhoWasRefused) {
  env_.Apply("namespace: acme\nname: gated\nsteps:\n  - {id: sign_off, approval: {}}\n");
  const std::string ops = NewToken("acme", Role::kOperator, "ops");
  const std::string viewer = NewToken("acme", Role::kViewer, "viewer");
  const auto start = [&](const std::string& token, const std::string& run_id) {
    grpc::ClientContext context;
    Authorize(context, token);
    v1::StartRunRequest request;
    request.set_namespace_("acme");
    request.set_campaign("gated");
    request.set_run_id(run_id);
    v1::StartRunResponse response;
    return campaigns_->StartRun(&context, request, &response);
  };
  ASSERT_TRUE(start(ops, "audited-1").ok());
  EXPECT_EQ(start(viewer, "audited-2").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(start("", "audited-3").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(ListRuns(viewer).ok());
  // Denials are written on their own, a cycle later: read until the third is there.
  v1::ListAuditResponse trail;
  for (int i = 0; i < 100; ++i) {
    grpc::ClientContext context;
    Authorize(context, env_.admin_token());
    v1::ListAuditRequest request;
    request.set_namespace_("acme");
    ASSERT_TRUE(admin_->ListAudit(&context, request, &trail).ok());
    int starts = 0;
    for (const v1::AuditEntry& entry : trail.entries()) starts += entry.method() == "StartRun";
    if (starts == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<std::string> seen;
  for (const v1::AuditEntry& entry : trail.entries()) {
    if (entry.method() != "StartRun") continue;
    seen.push_back(absl::StrCat(entry.allowed() ? "allowed " : "DENIED ", entry.target(), " by ",
                                entry.subject().empty() ? "?" : entry.subject()));
    EXPECT_EQ(entry.request_sha256().size(), 64u);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"allowed audited-1 by ops",
                                            "DENIED audited-2 by viewer",
                                            "DENIED audited-3 by ?"}));
  // The trail is the namespace admins' to read.
  grpc::ClientContext context;
  Authorize(context, viewer);
  v1::ListAuditRequest request;
  request.set_namespace_("acme");
  EXPECT_EQ(admin_->ListAudit(&context, request, &trail).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// The approver is the caller, never a name the request carries.
TEST_F(AccessTest, WhoDecidesAnApprovalIsTheTokenNotTheRequest) {
  env_.Apply(R"yaml(
namespace: acme
name: gated
steps:
  - {id: sign_off, approval: {approvers: [dana]}}
)yaml");
  const std::string ops = NewToken("acme", Role::kOperator, "ops");
  const std::string dana = NewToken("acme", Role::kApprover, "dana");
  const std::string eve = NewToken("acme", Role::kApprover, "eve");
  {
    grpc::ClientContext context;
    Authorize(context, ops);
    v1::StartRunRequest request;
    request.set_namespace_("acme");
    request.set_campaign("gated");
    request.set_run_id("gated-1");
    request.set_identity("someone-else");
    v1::StartRunResponse response;
    ASSERT_TRUE(campaigns_->StartRun(&context, request, &response).ok());
  }
  const auto decide = [&](const std::string& token, const std::string& claimed) {
    grpc::ClientContext context;
    Authorize(context, token);
    v1::DecideStepRequest request;
    request.set_namespace_("acme");
    request.set_run_id("gated-1");
    request.set_step_key("sign_off");
    request.set_identity(claimed);
    v1::Run run;
    return campaigns_->ApproveStep(&context, request, &run);
  };
  // Wait until the approval step waits.
  for (int i = 0; i < 100; ++i) {
    grpc::ClientContext context;
    Authorize(context, ops);
    v1::GetRunRequest request;
    request.set_namespace_("acme");
    request.set_run_id("gated-1");
    v1::Run run;
    ASSERT_TRUE(campaigns_->GetRun(&context, request, &run).ok());
    if (run.steps_size() > 0 && run.steps(0).state() == v1::STEP_STATE_WAITING) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const grpc::Status claimed = decide(eve, "dana");
  EXPECT_EQ(claimed.error_code(), grpc::StatusCode::PERMISSION_DENIED) << claimed.error_message();
  EXPECT_NE(claimed.error_message().find("'eve' may not decide"), std::string::npos)
      << claimed.error_message();
  EXPECT_EQ(decide(ops, "dana").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext context;
  Authorize(context, dana);
  v1::DecideStepRequest request;
  request.set_namespace_("acme");
  request.set_run_id("gated-1");
  request.set_step_key("sign_off");
  request.set_identity("not-dana");
  v1::Run run;
  ASSERT_TRUE(campaigns_->ApproveStep(&context, request, &run).ok());
  EXPECT_EQ(run.started_by(), "ops");
  ASSERT_GT(run.steps_size(), 0);
  EXPECT_EQ(run.steps(0).output().struct_value().fields().at("by").string_value(), "dana");
}

// A run of `vetted`: the copy arrives as a signal, then two people who did not start the run
// must approve exactly that copy.
class VettedApprovalTest : public AccessTest {
 protected:
  static constexpr char kCampaign[] = R"yaml(
namespace: acme
name: vetted
steps:
  - {id: write, signal: copy_ready}
  - id: review
    needs: [write]
    approval: {message: "{{ steps.write.output.text }}", min_approvers: 2,
               separation_of_duties: true}
)yaml";

  VettedApprovalTest()
      : lee_(NewToken("acme", Role::kAdmin, "lee")),
        dana_(NewToken("acme", Role::kApprover, "dana")),
        eve_(NewToken("acme", Role::kApprover, "eve")),
        ops_(NewToken("acme", Role::kOperator, "ops")) {
    env_.Apply(kCampaign);
  }

  template <typename Request>
  static Request For(const std::string& run_id) {
    Request request;
    request.set_namespace_("acme");
    request.set_run_id(run_id);
    return request;
  }

  grpc::Status Start(const std::string& token, const std::string& run_id) {
    grpc::ClientContext context;
    Authorize(context, token);
    v1::StartRunRequest request = For<v1::StartRunRequest>(run_id);
    request.set_campaign("vetted");
    v1::StartRunResponse response;
    return campaigns_->StartRun(&context, request, &response);
  }
  grpc::Status Signal(const std::string& run_id, const std::string& text) {
    grpc::ClientContext context;
    Authorize(context, ops_);
    v1::SignalRunRequest request = For<v1::SignalRunRequest>(run_id);
    request.set_signal("copy_ready");
    (*request.mutable_payload()->mutable_struct_value()->mutable_fields())["text"]
        .set_string_value(text);
    v1::Run run;
    return campaigns_->SignalRun(&context, request, &run);
  }
  grpc::Status Decide(const std::string& token, const std::string& run_id, bool approve,
                      const std::string& digest, v1::Run* run) {
    grpc::ClientContext context;
    Authorize(context, token);
    v1::DecideStepRequest request = For<v1::DecideStepRequest>(run_id);
    request.set_step_key("review");
    request.set_digest(digest);
    return approve ? campaigns_->ApproveStep(&context, request, run)
                   : campaigns_->RejectStep(&context, request, run);
  }
  // The review step once it waits for a decision on `text`.
  v1::StepInstance AwaitReview(const std::string& run_id, const std::string& text) {
    for (int i = 0; i < 200; ++i) {
      grpc::ClientContext context;
      Authorize(context, ops_);
      v1::Run run;
      EXPECT_TRUE(campaigns_->GetRun(&context, For<v1::GetRunRequest>(run_id), &run).ok());
      for (const v1::StepInstance& step : run.steps()) {
        if (step.key() == "review" && step.state() == v1::STEP_STATE_WAITING &&
            step.waiting().detail() == text) {
          return step;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "review of '" << text << "' never waited";
    return {};
  }
  int ApprovedEvents(const std::string& run_id) {
    grpc::ClientContext context;
    Authorize(context, ops_);
    v1::GetHistoryRequest request = For<v1::GetHistoryRequest>(run_id);
    request.set_page_size(1000);
    v1::GetHistoryResponse history;
    EXPECT_TRUE(campaigns_->GetHistory(&context, request, &history).ok());
    int count = 0;
    for (const v1::HistoryEvent& event : history.events()) {
      count += event.type() == v1::EVENT_TYPE_STEP_APPROVED;
    }
    return count;
  }

  const std::string lee_, dana_, eve_, ops_;
};

TEST_F(VettedApprovalTest, TwoPeopleWhoDidNotStartTheRunApproveWhatTheyReviewed) {
  ASSERT_TRUE(Start(lee_, "v-1").ok());
  ASSERT_TRUE(Signal("v-1", "Spring sale: 20% off").ok());
  const v1::StepInstance first = AwaitReview("v-1", "Spring sale: 20% off");
  const std::string reviewed = first.waiting().approval_digest();
  ASSERT_EQ(reviewed.size(), 64u);

  v1::Run run;
  // The starter may not approve (separation of duties), nor may an operator (its role).
  const grpc::Status own = Decide(lee_, "v-1", true, reviewed, &run);
  EXPECT_EQ(own.error_code(), grpc::StatusCode::PERMISSION_DENIED) << own.error_message();
  EXPECT_NE(own.error_message().find("separation_of_duties"), std::string::npos);
  EXPECT_EQ(Decide(ops_, "v-1", true, reviewed, &run).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The copy changes after it was reviewed: rejected, retried, written again.
  ASSERT_TRUE(Decide(eve_, "v-1", false, "", &run).ok());
  {
    grpc::ClientContext context;
    Authorize(context, ops_);
    v1::RetryRunRequest retry = For<v1::RetryRunRequest>("v-1");
    retry.set_from_step("write");
    ASSERT_TRUE(campaigns_->RetryRun(&context, retry, &run).ok());
  }
  ASSERT_TRUE(Signal("v-1", "Spring sale: 90% off").ok());
  const v1::StepInstance second = AwaitReview("v-1", "Spring sale: 90% off");
  ASSERT_NE(second.waiting().approval_digest(), reviewed);
  const grpc::Status stale = Decide(dana_, "v-1", true, reviewed, &run);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << stale.error_message();

  // Approving what is asked now: dana, dana again (nothing changes), then eve.
  const std::string now = second.waiting().approval_digest();
  ASSERT_TRUE(Decide(dana_, "v-1", true, now, &run).ok());
  ASSERT_TRUE(Decide(dana_, "v-1", true, now, &run).ok());
  EXPECT_EQ(ApprovedEvents("v-1"), 1);
  const v1::StepInstance half = AwaitReview("v-1", "Spring sale: 90% off");
  ASSERT_EQ(half.approvals_size(), 1);
  EXPECT_EQ(half.approvals(0).subject(), "dana");
  EXPECT_EQ(half.approvals(0).issuer(), "fanfare");
  EXPECT_EQ(half.approvals(0).digest(), now);
  ASSERT_TRUE(Decide(eve_, "v-1", true, now, &run).ok());
  EXPECT_EQ(ApprovedEvents("v-1"), 2);
  EXPECT_EQ(run.status(), v1::RUN_STATUS_SUCCEEDED);
}

// JWTs from the identity provider stand beside API tokens, through the same gate and table.
TEST(AccessJwtTest, AJwtsPermissionsAreItsRights) {
  testing::TempDir dir;
  testing::TestIdentityProvider idp(dir.Join("jwks.json"));
  absl::StatusOr<std::unique_ptr<auth::JwtVerifier>> jwt = auth::JwtVerifier::Load(
      {.issuer = "https://id.acme.example",
       .audience = "fanfare",
       .jwks_path = dir.Join("jwks.json")});
  ASSERT_TRUE(jwt.ok()) << jwt.status();
  CoordinatorEnv env({.authenticate = true, .jwt = jwt->get()});
  auto stub = v1::CampaignService::NewStub(
      grpc::CreateChannel(env.address(), grpc::InsecureChannelCredentials()));
  const auto list = [&](const std::string& token, const std::string& ns) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::ListRunsRequest request;
    request.set_namespace_(ns);
    v1::ListRunsResponse response;
    return stub->ListRuns(&context, request, &response);
  };
  nlohmann::json claims = {{"iss", "https://id.acme.example"},
                           {"aud", {"fanfare"}},
                           {"sub", "dana@acme.example"},
                           {"exp", absl::ToUnixSeconds(absl::Now()) + 600},
                           {"permissions", {"acme:viewer"}}};
  EXPECT_TRUE(list(idp.Token(claims), "acme").ok());
  EXPECT_TRUE(list(idp.Token(claims, "ES256", "ec-1"), "acme").ok());
  const grpc::Status elsewhere = list(idp.Token(claims), "globex");
  EXPECT_EQ(elsewhere.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(elsewhere.error_message(),
            "dana@acme.example (https://id.acme.example) may not read in namespace globex");
  claims["iss"] = "https://evil.example";
  EXPECT_EQ(list(idp.Token(claims), "acme").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(list(env.admin_token(), "globex").ok()) << "API tokens still work";
}

TEST_F(AccessTest, TwoTokensInForceNeverShareAName) {
  const std::string first = NewToken("acme", Role::kApprover, "dana");
  const auto create = [&]() {
    grpc::ClientContext context;
    Authorize(context, env_.admin_token());
    v1::CreateTokenRequest request;
    request.set_namespace_("acme");
    request.set_role("admin");
    request.set_name("dana");
    v1::CreateTokenResponse response;
    return admin_->CreateToken(&context, request, &response);
  };
  const grpc::Status again = create();
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS) << again.error_message();
  grpc::ClientContext context;
  Authorize(context, env_.admin_token());
  v1::RevokeTokenRequest revoke;
  revoke.set_namespace_("acme");
  revoke.set_id(first.substr(4, 16));
  v1::ApiTokenInfo info;
  ASSERT_TRUE(admin_->RevokeToken(&context, revoke, &info).ok());
  EXPECT_TRUE(create().ok()) << "the name is free once its token is revoked";
}

TEST_F(AccessTest, OnlyAClusterAdminMakesOrSeesClusterAdminTokens) {
  const std::string admin = NewToken("acme", Role::kAdmin, "acme-admin");
  {
    grpc::ClientContext context;
    Authorize(context, admin);
    v1::CreateTokenRequest request;
    request.set_name("escalate");
    request.set_cluster_admin(true);
    v1::CreateTokenResponse response;
    EXPECT_EQ(admin_->CreateToken(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    Authorize(context, admin);
    v1::ListTokensRequest request;
    request.set_namespace_("acme");
    request.set_cluster_admins(true);
    v1::ListTokensResponse response;
    EXPECT_EQ(admin_->ListTokens(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    // The test's cluster admin token, revoked by a namespace admin naming its id: refused as
    // if it did not exist.
    grpc::ClientContext context;
    Authorize(context, admin);
    v1::RevokeTokenRequest request;
    request.set_namespace_("acme");
    request.set_id(env_.admin_token().substr(4, 16));
    v1::ApiTokenInfo info;
    EXPECT_EQ(admin_->RevokeToken(&context, request, &info).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_TRUE(ListRuns(env_.admin_token()).ok());
}

TEST_F(AccessTest, TokensSurviveARestartAndListTheirLastUse) {
  const std::string viewer = NewToken("acme", Role::kViewer, "viewer");
  ASSERT_TRUE(ListRuns(viewer).ok());
  // Last uses are written at most once a minute; a cycle after that writes this one.
  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(ListRuns(viewer).ok());
  const absl::Time used = clock_.Now();
  // Reads are answered off the engine; a call through it lets the engine write last uses. A
  // minute later, so that a write the engine made on its own between the advance and the
  // use above (it wakes now and then) cannot hold this one back.
  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(env_.client().GetDispatchState().ok());
  env_.Restart();
  clock_.Advance(absl::Minutes(5));  // a use after the restart would show a later time
  v1::ListTokensRequest request;
  request.set_namespace_("acme");
  absl::StatusOr<v1::ListTokensResponse> listed = env_.client().ListTokens(request);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->tokens_size(), 1);
  EXPECT_EQ(listed->tokens(0).name(), "viewer");
  EXPECT_EQ(listed->tokens(0).role(), "viewer");
  EXPECT_EQ(listed->tokens(0).last_used_at().seconds(), absl::ToUnixSeconds(used));
  EXPECT_TRUE(listed->tokens(0).created_by().find("test-admin") != std::string::npos);
  EXPECT_TRUE(ListRuns(viewer).ok());
  EXPECT_EQ(ListRuns("", "acme").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace fanfare
