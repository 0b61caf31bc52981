// Writes the binary seeds of campaign_spec_fuzz and worker_protocol_fuzz, which are easier
// to state as code than to keep by hand:
//
//   build/tests/fuzz/fuzz_write_seeds . tests/fuzz/corpus
//
// campaign_spec/: every example campaign as the binary wire format and as the JSON mapping,
// and edge cases given below in text format (those that still break an invariant go to
// ../findings/campaign_spec/). worker_protocol/: worker sessions, each a
// sequence of length-delimited WorkerMessages, talking to worker_protocol_fuzz's campaign
// (whose run hands out task ids 1, 2, 3, ... in step order).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "engine/definition/loader.h"
#include "fanfare/v1/campaign.pb.h"
#include "fanfare/v1/worker.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace {

namespace fs = std::filesystem;
using fanfare::v1::CampaignSpec;
using fanfare::v1::WorkerMessage;

void Write(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  std::cout << path.string() << " (" << bytes.size() << " bytes)\n";
}

// The wire format with map entries in key order, so that rewriting a seed changes no byte.
std::string Deterministic(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream out(&stream);
  out.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&out);
  out.Trim();
  return bytes;
}

template <typename Message>
Message FromText(const std::string& text) {
  Message message;
  if (!google::protobuf::TextFormat::ParseFromString(text, &message)) {
    std::cerr << "bad text-format seed:\n" << text << "\n";
    std::exit(1);
  }
  return message;
}

// A campaign the protobuf path must survive, valid or not.
struct EdgeCase {
  std::string name;
  std::string text;
  // Still breaks an invariant: written to findings/ rather than corpus/ (README.md).
  bool open_finding = false;
};

const std::vector<EdgeCase> kCampaignEdgeCases = {
    {"every_kind", R"pb(
      metadata { name: "every-kind" }
      params { name: "networks" type: PARAM_TYPE_LIST required: true }
      params { name: "launch_at" type: PARAM_TYPE_TIMESTAMP default_value { string_value: "2027-02-01T09:00:00Z" } }
      accounts { key: "facebook" value { names: "acme_fb" } }
      budget { currency: "USD" total_micros: 100000000 daily_max_micros: 50000000 }
      steps { id: "copy" action: "content.generate" }
      steps { id: "ok" needs: "copy" approval { approvers: "a@example.com" timeout { seconds: 3600 } on_timeout: APPROVAL_TIMEOUT_OUTCOME_SKIP } }
      steps { id: "go" needs: "ok" signal { name: "go" timeout { seconds: 60 } } }
      steps { id: "pause" needs: "go" wait { until: "{{ params.launch_at }}" } }
      steps { id: "publish" needs: "pause" for_each { expression: "{{ params.networks }}" }
              action: "{{ item }}.publish" continue_on_failure: true
              retry { max_attempts: 5 initial_backoff { seconds: 1 } backoff_multiplier: 3 jitter: 0.5 non_retryable_errors: "rejected_input" }
              timeouts { schedule_to_start { seconds: 30 } start_to_close { seconds: 60 } heartbeat { seconds: 10 } } }
      steps { id: "loop" needs: "publish" repeat { every { seconds: 21600 } max_iterations: 5 until: "iteration > 3"
              steps { id: "measure" action: "facebook.insights" }
              steps { id: "stop" needs: "measure" when: "steps.measure.output.cpc > 2" action: "facebook.pause" } } }
    )pb"},
    {"negative_durations", R"pb(
      metadata { name: "negative" }
      steps { id: "w" wait { duration { seconds: -5 } } }
      steps { id: "a" needs: "w" action: "content.generate"
              retry { max_attempts: 3 initial_backoff { seconds: -10 } max_backoff { seconds: -1 } } }
    )pb"},
    {"negative_timeouts", R"pb(
      metadata { name: "negative" }
      steps { id: "a" action: "content.generate"
              retry { max_attempts: 3 backoff_multiplier: -2 }
              timeouts { start_to_close { seconds: -1 } heartbeat { nanos: -1 } } }
    )pb"},
    {"wait_beyond_any_time", R"pb(
      metadata { name: "huge" }
      steps { id: "w" wait { duration { seconds: 9223372036854775807 } } }
    )pb", true},
    {"every_beyond_protobuf_range", R"pb(
      metadata { name: "huge" }
      steps { id: "r" repeat { every { seconds: 315576000001 } max_iterations: 2
              steps { id: "a" action: "content.generate" } } }
    )pb", true},
    {"out_of_range_retry", R"pb(
      metadata { name: "huge" }
      steps { id: "r" repeat { every { seconds: 1 } max_iterations: 2147483647
              steps { id: "a" action: "content.generate" retry { max_attempts: 2147483647 backoff_multiplier: 1e308 jitter: 1e300 } } } }
    )pb"},
    {"budget_below_daily_max", R"pb(
      metadata { name: "budget" }
      budget { currency: "USD" total_micros: 1 daily_max_micros: 9223372036854775807 }
      accounts { key: "facebook" value { names: "fb" } }
      steps { id: "b" action: "facebook.boost" with { fields { key: "daily_budget" value { number_value: 1e300 } } } }
    )pb"},
    {"nested_repeats", R"pb(
      metadata { name: "nested" }
      steps { id: "outer" repeat { every { seconds: 60 } max_iterations: 3
        steps { id: "inner" repeat { every { seconds: 1 } max_iterations: 3
          steps { id: "a" action: "content.generate" } } } } }
    )pb"},
    {"cycle_and_unknown_needs", R"pb(
      metadata { name: "cycle" }
      steps { id: "a" needs: "c" action: "content.generate" }
      steps { id: "b" needs: "a" action: "content.generate" }
      steps { id: "c" needs: "b" needs: "nowhere" needs: "c" action: "content.generate" }
    )pb"},
    {"bad_names_and_expressions", R"pb(
      metadata { name: "Bad Name!" namespace: "-x" labels { key: "" value: "v" } }
      params { name: "1bad" type: PARAM_TYPE_INT default_value { number_value: inf } }
      params { name: "ok" type: PARAM_TYPE_INT default_value { number_value: 1.5 } }
      steps { id: "a" action: "nonetwork" when: "((((" with { fields { key: "x" value { string_value: "{{ steps.a.output" } } } }
      steps { id: "a" action: "facebook.publish" for_each { items { } } }
      schedule { cron: "61 * * * *" timezone: "Mars/Olympus" }
    )pb"},
    {"scheduled", R"pb(
      metadata { name: "scheduled" }
      params { name: "n" type: PARAM_TYPE_INT required: true }
      steps { id: "a" action: "content.generate" with { fields { key: "n" value { string_value: "{{ params.n * 2 }}" } } } }
      schedule { cron: "0 9 * * MON" timezone: "Europe/Paris" missed: MISSED_FIRE_POLICY_RUN_ONCE overlap: OVERLAP_POLICY_CANCEL_PREVIOUS
                 params { fields { key: "n" value { number_value: 3 } } } }
    )pb"},
    {"wide_for_each", R"pb(
      metadata { name: "wide" }
      accounts { key: "x" value { names: "x1" names: "x2" } }
      steps { id: "fan" for_each { items { values { string_value: "x" } values { string_value: "facebook" } values { number_value: 1 } values { bool_value: true } values { struct_value { } } values { null_value: NULL_VALUE } } }
              action: "x.publish" with { fields { key: "account" value { string_value: "x2" } } } }
      steps { id: "after" needs: "fan" action: "content.generate" idempotent: false }
    )pb"},
};

void WriteCampaignSeeds(const fs::path& source, const fs::path& out, const fs::path& findings) {
  fs::create_directories(out);
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  for (const auto& entry : fs::directory_iterator(source / "examples")) {
    if (entry.path().extension() != ".yaml") continue;
    auto spec = fanfare::definition::LoadCampaignFile(entry.path().string());
    if (!spec.ok()) {
      std::cerr << spec.status() << "\n";
      std::exit(1);
    }
    const std::string stem = "example_" + entry.path().stem().string();
    Write(out / (stem + ".binpb"), Deterministic(*spec));
    std::string text;
    (void)google::protobuf::util::MessageToJsonString(*spec, &text, json);
    Write(out / (stem + ".json"), nlohmann::json::parse(text).dump(1));  // keys sorted
  }
  for (const EdgeCase& edge : kCampaignEdgeCases) {
    const fs::path dir = edge.open_finding ? findings : out;
    fs::create_directories(dir);
    Write(dir / (edge.name + ".binpb"), Deterministic(FromText<CampaignSpec>(edge.text)));
  }
  // The JSON mapping's own edge cases: lowerCamel names, an unknown field, a huge number.
  Write(out / "json_camel_case.json",
        R"({"metadata":{"name":"camel"},"steps":[{"id":"a","action":"content.generate",)"
        R"("continueOnFailure":true,"retry":{"maxAttempts":2,"initialBackoff":"1.5s"}}]})");
  Write(out / "json_unknown_field.json", R"({"metadata":{"name":"x"},"stepz":[]})");
  Write(out / "json_huge_numbers.json",
        R"({"metadata":{"name":"n"},"budget":{"currency":"USD","totalMicros":"99999999999999999999"},)"
        R"("steps":[{"id":"w","wait":{"duration":"-315576000001s"}}]})");
}

// A session: messages in text format, written length-delimited.
void WriteSession(const fs::path& path, const std::vector<std::string>& messages) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    for (const std::string& text : messages) {
      const std::string message = Deterministic(FromText<WorkerMessage>(text));
      out.WriteVarint32(static_cast<uint32_t>(message.size()));
      out.WriteString(message);
    }
  }
  Write(path, bytes);
}

constexpr char kHello[] =
    R"pb(hello { worker_id: "w1" queues: "content" queues: "facebook" queues: "x" max_concurrency: 8 } credit: 8)pb";

void WriteWorkerSeeds(const fs::path& out, const fs::path& findings) {
  fs::create_directories(out);
  // The whole run: copy (task 1); then the approval (2) and publish[facebook], publish[x]
  // (3, 4); boost (5); measure (6).
  WriteSession(out / "happy_path.bin",
               {kHello,
                R"pb(outcomes { task_id: 1 attempt: 1 success { output { struct_value { fields { key: "variants" value { struct_value {
                       fields { key: "facebook" value { struct_value { fields { key: "text" value { string_value: "hi" } } } } }
                       fields { key: "x" value { struct_value { fields { key: "text" value { string_value: "hi" } } } } } } } } } } } })pb",
                R"pb(heartbeats { task_id: 3 attempt: 1 } heartbeats { task_id: 4 attempt: 1 } heartbeats_sent_at { seconds: 1800000001 })pb",
                R"pb(outcomes { task_id: 3 attempt: 1 success { output { struct_value { fields { key: "post_id" value { string_value: "fb-1" } } } } } }
                     outcomes { task_id: 4 attempt: 1 success { output { struct_value { fields { key: "post_id" value { string_value: "x-1" } } } } } } credit: 2)pb",
                R"pb(outcomes { task_id: 5 attempt: 1 success { output { struct_value { fields { key: "ad_id" value { string_value: "ad-1" } }
                       fields { key: "spend" value { number_value: 12.5 } } } } } })pb",
                R"pb(outcomes { task_id: 6 attempt: 1 success { output { struct_value { fields { key: "cpc" value { number_value: 1.2 } } } } } })pb"});
  // A retry, an unknown outcome and its late success; a throttle hold far beyond any time.
  WriteSession(out / "failures.bin",
               {kHello,
                R"pb(outcomes { task_id: 1 attempt: 1 failure { type: ERROR_TYPE_RETRYABLE message: "flaky" } })pb",
                "", "",  // a second each: the backoff passes and attempt 2 is delivered
                R"pb(outcomes { task_id: 1 attempt: 2 failure { type: ERROR_TYPE_OUTCOME_UNKNOWN code: "timeout" custom_type: "x" } })pb",
                "", "",
                R"pb(outcomes { task_id: 1 attempt: 2 success { } })pb"});
  // Still breaks an invariant (README.md): the hold's time does not survive a restart.
  fs::create_directories(findings);
  WriteSession(findings / "throttled_forever.bin",
               {kHello,
                R"pb(outcomes { task_id: 1 attempt: 1 failure { type: ERROR_TYPE_THROTTLED retry_after { seconds: 4611686018427387904 } } })pb"});
  WriteSession(out / "throttled_normal.bin",
               {kHello,
                R"pb(outcomes { task_id: 1 attempt: 1 failure { type: ERROR_TYPE_THROTTLED retry_after { seconds: 900 } } })pb"});
  // Outcomes the coordinator must refuse: unknown tasks, attempts never delivered, repeats,
  // neither success nor failure.
  WriteSession(out / "unknown_and_stale.bin",
               {kHello,
                R"pb(outcomes { task_id: 999 attempt: 1 success { } } outcomes { task_id: 1 attempt: 7 success { } })pb",
                R"pb(outcomes { task_id: 1 attempt: 1 } heartbeats { task_id: 12345 attempt: 3 })pb",
                R"pb(outcomes { task_id: 1 attempt: 1 success { } } outcomes { task_id: 1 attempt: 1 success { } })pb",
                R"pb(outcomes { task_id: 1 attempt: 1 failure { type: ERROR_TYPE_INTERNAL } })pb"});
  // Refused by the checks: outcomes without ids, a second hello, negative credit.
  WriteSession(out / "refused.bin",
               {kHello, R"pb(outcomes { task_id: 0 attempt: 0 })pb"});
  WriteSession(out / "second_hello.bin",
               {kHello, R"pb(hello { worker_id: "w2" queues: "x" max_concurrency: 1 })pb"});
  WriteSession(out / "negative_credit.bin", {kHello, R"pb(credit: -1)pb"});
  WriteSession(out / "no_hello.bin", {R"pb(credit: 3)pb"});
  WriteSession(out / "bad_hello.bin",
               {R"pb(hello { worker_id: "w\n1" namespace: "Bad" queues: "Face Book" actions: "x" max_concurrency: 0 })pb"});
  // A worker that takes tasks and goes silent: leases run out. A draining worker.
  WriteSession(out / "silent.bin", {kHello});
  WriteSession(out / "drain.bin", {kHello, R"pb(drain: true credit: 10000)pb",
                                   R"pb(heartbeats { task_id: 1 attempt: 1 } heartbeats_sent_at { seconds: -62135596801 })pb"});
  // A huge output and an output nested deep.
  std::string deep = "null_value: NULL_VALUE";
  for (int i = 0; i < 40; ++i) deep = "list_value { values { " + deep + " } }";
  WriteSession(out / "deep_output.bin",
               {kHello, "outcomes { task_id: 1 attempt: 1 success { output { " + deep + " } } }"});
  WriteSession(out / "big_output.bin",
               {kHello, R"pb(outcomes { task_id: 1 attempt: 1 success { output { string_value: ")pb" +
                            std::string(257 * 1024, 'x') + R"pb(" } } })pb"});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fuzz_write_seeds SOURCE_DIR CORPUS_DIR\n";
    return 2;
  }
  const fs::path corpus = argv[2];
  WriteCampaignSeeds(argv[1], corpus / "campaign_spec", corpus / "../findings/campaign_spec");
  WriteWorkerSeeds(corpus / "worker_protocol", corpus / "../findings/worker_protocol");
  return 0;
}
