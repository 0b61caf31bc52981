// Fuzzes the worker protocol as the coordinator meets it on a Connect stream. The bytes are a
// sequence of length-delimited WorkerMessages (a varint length, then the message), which go
// through the same checks as WorkerService's stream (engine/service/worker_service.cc: a
// hello first, then Check of every message) and, when they pass, to a real Engine over
// RocksDB in a temp dir, driven cycle by cycle on a ManualClock that moves a second per
// message. The engine holds a started run of a campaign with every kind of task (content,
// publish, a boost under a budget, insights, an approval), so that outcomes and heartbeats
// name tasks it knows (ids 1, 2, 3, ... in the order it hands them out) as well as ones it
// does not. Each message's parts are also checked as the unary calls would carry them.
//
// Invariants: no crash; every outcome of an accepted message gets exactly one ack, for its
// task and attempt, in order; afterwards the engine recovers from its store (a restart) the
// run, queues and account holds exactly as they were, and the holds convert to JSON as
// `fanfare workers --output json` needs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "engine/coordinator/engine.h"
#include "engine/definition/loader.h"
#include "engine/service/request_checks.h"
#include "engine/store/rocks_store.h"
#include "engine/store/store.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/support/temp_dir.h"

namespace {

namespace coordinator = fanfare::coordinator;
namespace v1 = fanfare::v1;

// Messages read per input; later ones are ignored.
constexpr int kMaxMessages = 64;
// Timers and lease deadlines played out after the session.
constexpr int kMaxDueAfterwards = 16;

constexpr absl::string_view kCampaign = R"yaml(
name: fuzz-target
accounts: {facebook: acme_fb, x: acme_x}
budget: {currency: USD, total: 100, daily_max: 50}
steps:
  - id: copy
    action: content.generate
    with: {brief: {headline: "Acme Rocket", link: "https://acme.example/rocket"}}
  - id: approve
    needs: [copy]
    approval: {approvers: [lead@acme.example], timeout: 1h, on_timeout: reject}
  - id: publish
    needs: [copy]
    for_each: [facebook, x]
    action: "{{ item }}.publish"
    with: {text: "{{ steps.copy.output.variants[item].text }}"}
  - id: boost
    needs: [publish]
    action: facebook.boost
    retry: {max_attempts: 3, initial_backoff: 5s}
    with: {post_id: "{{ steps.publish.outputs.facebook.post_id }}", daily_budget: 20}
  - id: measure
    needs: [boost]
    action: facebook.insights
    with: {ad_id: "{{ steps.boost.output.ad_id }}", window: 6h}
)yaml";

void Require(bool condition, absl::string_view what, const absl::Status& status = {}) {
  if (condition) return;
  std::cerr << "invariant broken: " << what << ": " << status << "\n";
  std::abort();
}

const v1::CampaignSpec& Campaign() {
  static const v1::CampaignSpec* const spec = [] {
    fanfare::definition::LoadResult loaded = fanfare::definition::ParseCampaign(
        kCampaign, fanfare::definition::SourceFormat::kYaml, "worker_protocol_fuzz.cc");
    Require(loaded.status.ok(), "the fuzzer's campaign is valid", loaded.status);
    return new v1::CampaignSpec(std::move(loaded.spec));
  }();
  return *spec;
}

// Collects what the engine delivers to the session.
class CapturingSink : public fanfare::dispatch::SessionSink {
 public:
  void Deliver(v1::CoordinatorMessage message) override {
    absl::MutexLock lock(&mu_);
    messages_.push_back(std::move(message));
  }
  std::vector<v1::CoordinatorMessage> Take() {
    absl::MutexLock lock(&mu_);
    return std::move(messages_);
  }

 private:
  absl::Mutex mu_;
  std::vector<v1::CoordinatorMessage> messages_;
};

// A store and the directory it lives in.
struct OpenStore {
  fanfare::testing::TempDir dir;
  std::unique_ptr<fanfare::store::Store> store;
};

OpenStore*& CurrentStore() {
  static OpenStore* current = nullptr;
  return current;
}

void CloseStore() {
  delete CurrentStore();
  CurrentStore() = nullptr;
}

// The store every input starts from, empty. Opening RocksDB takes tens of milliseconds, which
// would slow the fuzzer tenfold, so one store serves many inputs: emptied before each, and
// replaced by a new one in a new directory now and then, before deleted keys pile up. Its
// memtables are big enough that it seldom flushes meanwhile (a quarter of the time otherwise).
fanfare::store::Store& EmptyStore() {
  constexpr int kInputsPerStore = 500;
  static int inputs = 0;
  if (inputs++ % kInputsPerStore == 0) {
    const bool first = CurrentStore() == nullptr;
    CloseStore();
    auto* open = new OpenStore;
    auto store = fanfare::store::RocksStore::Open({.path = open->dir.Join("data"),
                                              .block_cache_bytes = 1 << 20,
                                              .write_buffer_bytes = 64 << 20,
                                              .sync = false});
    Require(store.ok(), "the store opens", store.status());
    open->store = *std::move(store);
    CurrentStore() = open;
    // Registered once RocksDB's own statics exist, so that the store closes before they go.
    if (first) std::atexit(CloseStore);
    return *open->store;
  }
  fanfare::store::Store& store = *CurrentStore()->store;
  fanfare::store::Batch batch;
  for (int i = 0; i < fanfare::store::kCfCount; ++i) {
    const auto cf = static_cast<fanfare::store::Cf>(i);
    std::unique_ptr<fanfare::store::Cursor> cursor = store.NewCursor(cf);
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) batch.Delete(cf, cursor->key());
  }
  const absl::Status emptied = store.Commit(batch);
  Require(emptied.ok(), "the store empties", emptied);
  return store;
}

// An Engine over an empty store, with the campaign applied and one run started.
class Coordinator {
 public:
  Coordinator() : store_(EmptyStore()), clock_(absl::FromUnixSeconds(1'800'000'000)) {
    OpenEngine();
    v1::ApplyCampaignRequest apply;
    *apply.mutable_spec() = Campaign();
    auto applied = Call<v1::ApplyCampaignResponse>(
        [&](coordinator::Engine& e, auto reply) { e.ApplyCampaign(apply, std::move(reply)); });
    Require(applied.ok(), "the campaign applies", applied.status());
    v1::StartRunRequest start;
    start.set_campaign("fuzz-target");
    start.set_run_id("r1");
    auto started = Call<v1::StartRunResponse>(
        [&](coordinator::Engine& e, auto reply) { e.StartRun(start, std::move(reply)); });
    Require(started.ok(), "the run starts", started.status());
  }

  // Closes the engine and recovers a new one from the store, as a restart does.
  void OpenEngine() {
    engine_.reset();
    auto engine = coordinator::Engine::Open(&store_, &clock_, {});
    Require(engine.ok(), "the engine recovers from its store", engine.status());
    engine_ = *std::move(engine);
  }

  void Cycle() {
    const absl::Status status = engine_->FinishCycle();
    Require(status.ok(), "a cycle commits", status);
  }

  template <typename T, typename Operation>
  absl::StatusOr<T> Call(Operation operation) {
    std::optional<absl::StatusOr<T>> result;
    operation(*engine_, [&](absl::StatusOr<T> r) { result = std::move(r); });
    Cycle();
    Require(result.has_value(), "every call is answered after its cycle");
    return *std::move(result);
  }

  // One second passes; whatever fell due runs.
  void Tick() {
    clock_.Set(clock_.Now() + absl::Seconds(1));
    Cycle();
  }

  // Moves the clock to the next due timer or lease; false if nothing is due.
  bool AdvanceToNextDue() {
    const absl::Time due = engine_->NextDue();
    if (due == absl::InfiniteFuture()) return false;
    if (due > clock_.Now()) clock_.Set(due);
    Cycle();
    return true;
  }

  v1::Run GetRun() {
    v1::GetRunRequest request;
    request.set_run_id("r1");
    auto run = Call<v1::Run>(
        [&](coordinator::Engine& e, auto reply) { e.GetRun(request, std::move(reply)); });
    Require(run.ok(), "the run can be read", run.status());
    return *std::move(run);
  }

  v1::DispatchState GetDispatchState() {
    auto state = Call<v1::DispatchState>([](coordinator::Engine& e, auto reply) {
      e.GetDispatchState(v1::GetDispatchStateRequest(), std::move(reply));
    });
    Require(state.ok(), "the dispatch state can be read", state.status());
    return *std::move(state);
  }

  coordinator::Engine& engine() { return *engine_; }

 private:
  fanfare::store::Store& store_;
  fanfare::ManualClock clock_;
  std::unique_ptr<coordinator::Engine> engine_;
};

void RequireSame(const google::protobuf::Message& expected, const google::protobuf::Message& actual,
                 absl::string_view what) {
  std::string differences;
  bool same = false;
  {
    google::protobuf::util::MessageDifferencer differ;
    differ.ReportDifferencesToString(&differences);  // written when `differ` goes
    same = differ.Compare(expected, actual);
  }
  Require(same, what, absl::InternalError(differences));
}

void RequireJson(const google::protobuf::Message& message, absl::string_view what) {
  std::string json;
  const auto converted = google::protobuf::util::MessageToJsonString(message, &json);
  Require(converted.ok(), what, absl::InternalError(converted.ToString()));
}

// The message's parts as the unary calls carry them, through their checks.
void CheckAsUnary(const v1::WorkerMessage& message) {
  v1::PollTasksRequest poll;
  poll.set_worker_id(message.hello().worker_id());
  poll.set_namespace_(message.hello().namespace_());
  *poll.mutable_queues() = message.hello().queues();
  *poll.mutable_actions() = message.hello().actions();
  poll.set_max_tasks(message.credit());
  (void)fanfare::service::Check(poll);
  for (const v1::TaskOutcome& outcome : message.outcomes()) {
    if (outcome.has_success()) {
      v1::CompleteTaskRequest complete;
      complete.set_task_id(outcome.task_id());
      complete.set_attempt(outcome.attempt());
      *complete.mutable_success() = outcome.success();
      (void)fanfare::service::Check(complete);
    } else {
      v1::FailTaskRequest fail;
      fail.set_task_id(outcome.task_id());
      fail.set_attempt(outcome.attempt());
      if (outcome.has_failure()) *fail.mutable_failure() = outcome.failure();
      (void)fanfare::service::Check(fail);
    }
  }
  v1::HeartbeatRequest heartbeat;
  *heartbeat.mutable_tasks() = message.heartbeats();
  (void)fanfare::service::Check(heartbeat);
}

// One Connect stream, as worker_service.cc's ConnectStream handles it.
class Stream {
 public:
  explicit Stream(Coordinator& coordinator) : coordinator_(coordinator) {}

  // Handles one message read from the stream; false once the stream is closed.
  bool Read(v1::WorkerMessage message) {
    if (absl::Status status = Accept(std::move(message)); !status.ok()) {
      Close();
      return false;
    }
    coordinator_.Cycle();
    coordinator_.Tick();
    return true;
  }

  void Close() {
    if (connected_) coordinator_.engine().Disconnect(std::string(kSessionId));
    connected_ = false;
    coordinator_.Cycle();
  }

  const std::vector<v1::TaskRef>& outcomes_sent() const { return outcomes_sent_; }
  std::shared_ptr<CapturingSink> sink() const { return sink_; }

 private:
  static constexpr absl::string_view kSessionId = "session-1";

  absl::Status Accept(v1::WorkerMessage message) {
    if (!connected_) {
      if (!message.has_hello()) {
        return absl::FailedPreconditionError("the first message must carry `hello`");
      }
      v1::WorkerHello hello = std::move(*message.mutable_hello());
      if (hello.worker_id().empty()) hello.set_worker_id(std::string(kSessionId));
      if (hello.namespace_().empty()) hello.set_namespace_("default");
      if (absl::Status status = fanfare::service::Check(hello); !status.ok()) return status;
      connected_ = true;
      message.clear_hello();
      coordinator_.engine().Connect(fanfare::auth::Principal::Unauthenticated(),
                                    std::string(kSessionId),
                                    std::move(hello), sink_);
    }
    if (absl::Status status = fanfare::service::Check(message); !status.ok()) return status;
    for (const v1::TaskOutcome& outcome : message.outcomes()) {
      v1::TaskRef& ref = outcomes_sent_.emplace_back();
      ref.set_task_id(outcome.task_id());
      ref.set_attempt(outcome.attempt());
    }
    if (message.ByteSizeLong() > 0) {
      coordinator_.engine().OnWorkerMessage(std::string(kSessionId), std::move(message));
    }
    return absl::OkStatus();
  }

  Coordinator& coordinator_;
  std::shared_ptr<CapturingSink> sink_ = std::make_shared<CapturingSink>();
  bool connected_ = false;
  std::vector<v1::TaskRef> outcomes_sent_;
};

// The messages in `data`, up to the first that cannot be read (which ends the stream, as a
// message gRPC cannot parse ends the call).
std::vector<v1::WorkerMessage> ReadMessages(const uint8_t* data, size_t size) {
  google::protobuf::LogSilencer quiet;  // protobuf would log every invalid UTF-8 string
  std::vector<v1::WorkerMessage> messages;
  google::protobuf::io::CodedInputStream in(data, static_cast<int>(size));
  uint32_t length = 0;
  while (static_cast<int>(messages.size()) < kMaxMessages && in.ReadVarint32(&length)) {
    const auto limit = in.PushLimit(static_cast<int>(std::min<uint32_t>(length, size)));
    v1::WorkerMessage message;
    if (!message.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage()) break;
    in.PopLimit(limit);
    messages.push_back(std::move(message));
  }
  return messages;
}

void RequireOneAckPerOutcome(const Stream& stream) {
  std::vector<v1::OutcomeAck> acks;
  for (const v1::CoordinatorMessage& message : stream.sink()->Take()) {
    for (const v1::OutcomeAck& ack : message.acks()) acks.push_back(ack);
  }
  const std::vector<v1::TaskRef>& sent = stream.outcomes_sent();
  Require(acks.size() == sent.size(), "one ack per outcome");
  for (size_t i = 0; i < sent.size(); ++i) {
    Require(acks[i].task_id() == sent[i].task_id() && acks[i].attempt() == sent[i].attempt(),
            "acks come in the order of the outcomes, naming them");
    Require(acks[i].status() != v1::OutcomeAck::STATUS_UNSPECIFIED, "every ack has a status");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<v1::WorkerMessage> messages = ReadMessages(data, size);
  for (const v1::WorkerMessage& message : messages) CheckAsUnary(message);
  if (messages.empty() || !messages.front().has_hello()) return 0;  // refused at once

  Coordinator coordinator;
  Stream stream(coordinator);
  for (const v1::WorkerMessage& message : messages) {
    if (!stream.Read(message)) break;
  }
  stream.Close();
  RequireOneAckPerOutcome(stream);
  for (int i = 0; i < kMaxDueAfterwards && coordinator.AdvanceToNextDue(); ++i) {
  }

  // Whatever the worker sent, the coordinator restarts from its store into the same state.
  // Its holds convert to JSON for `fanfare workers --output json`. (A run may not: a step's
  // output may hold a NaN, or lists nested past the JSON printer's depth, and the CLI says so.)
  const v1::Run run = coordinator.GetRun();
  const v1::DispatchState dispatch = coordinator.GetDispatchState();
  coordinator.OpenEngine();
  RequireSame(run, coordinator.GetRun(), "a restart recovers the run as it was");
  v1::DispatchState recovered = coordinator.GetDispatchState();
  recovered.mutable_workers()->CopyFrom(dispatch.workers());  // sessions end with the process
  RequireSame(dispatch, recovered, "a restart recovers the queues and holds as they were");
  RequireJson(recovered, "the dispatch state converts to JSON");
  return 0;
}
