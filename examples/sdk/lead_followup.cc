// fanfare-sdk-example: one process that is both a worker and a client of fanfared.
//
//   fanfared --data-dir /tmp/fanfare &
//   fanfare-sdk-example --address 127.0.0.1:7600      # or FANFARE_ADDRESS=...
//
// It serves two custom actions, crm.tag_leads and slack.notify, with a fanfare::Worker;
// applies lead-followup.yaml with a fanfare::Client; starts today's follow-up run (the run
// id is the date, so starting it again the same day finds the same run); watches it to
// the end; prints each step's output; drains the worker; and exits 0 if the run succeeded.
// README.md next to this file walks through it.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/command_line.h"
#include "base/status_macros.h"
#include "engine/definition/loader.h"
#include "google/protobuf/util/json_util.h"
#include "sdk/client/client.h"
#include "sdk/worker/task_errors.h"
#include "sdk/worker/worker.h"

ABSL_FLAG(std::string, address, "",
          "fanfared's host:port (default: $FANFARE_ADDRESS, else 127.0.0.1:7600)");
ABSL_FLAG(std::string, token, "",
          "API token, e.g. fanfared's DATA_DIR/admin.token (default: $FANFARE_TOKEN; none for "
          "fanfared --dev)");
ABSL_FLAG(std::string, campaign, "examples/sdk/lead-followup.yaml", "The campaign file to apply.");
ABSL_FLAG(std::string, run_id, "",
          "The run's id (default: lead-followup-<today>). Starting an id again finds the same "
          "run instead of starting a second one.");
ABSL_FLAG(std::string, segment, "webinar-signups", "The CRM segment whose leads to tag.");

namespace fanfare::example {
namespace {

using google::protobuf::Value;

// --- The worker side: one handler per action. ---

// Tags every lead of a segment. A real handler would call the CRM here, passing
// ctx.idempotency_key() as the request id so that a retried attempt cannot tag twice.
absl::StatusOr<Value> TagLeads(TaskContext& ctx) {
  const auto& input = ctx.input().fields();
  if (!input.contains("segment") || !input.contains("tag")) {
    return RejectedInput("crm.tag_leads needs `segment` and `tag`");
  }
  const std::string& segment = input.at("segment").string_value();
  Value output;
  auto& fields = *output.mutable_struct_value()->mutable_fields();
  auto* lead_ids = fields["lead_ids"].mutable_list_value();
  for (int i = 1; i <= 3; ++i) {
    // A long job checks for cancellation between pieces of work.
    if (ctx.cancelled()) return absl::CancelledError("tagging stopped: the run was cancelled");
    lead_ids->add_values()->set_string_value(absl::StrCat(segment, "-lead-", i));
  }
  fields["tagged"].set_number_value(lead_ids->values_size());
  fields["tag"].set_string_value(input.at("tag").string_value());
  return output;
}

// Posts a message to a chat channel (here: to stdout).
absl::StatusOr<Value> Notify(TaskContext& ctx) {
  const auto& input = ctx.input().fields();
  const std::string channel = input.contains("channel") ? input.at("channel").string_value() : "";
  const std::string text = input.contains("text") ? input.at("text").string_value() : "";
  if (channel.empty()) return RejectedInput("slack.notify needs a `channel`");
  std::printf("  slack.notify %s: %s\n", channel.c_str(), text.c_str());
  Value output;
  auto& fields = *output.mutable_struct_value()->mutable_fields();
  fields["channel"].set_string_value(channel);
  fields["message_id"].set_string_value(ctx.idempotency_key());
  return output;
}

// --- The client side. ---

std::string Json(const Value& value) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(value, &json).ok()) return "?";
  return json;
}

std::string Name(v1::EventType type) {
  return std::string(absl::StripPrefix(v1::EventType_Name(type), "EVENT_TYPE_"));
}

// Applies the campaign and starts (or finds) the run; returns its id.
absl::StatusOr<std::string> ApplyAndStart(Client& client, const std::string& campaign_file,
                                          const std::string& run_id, const std::string& segment) {
  ASSIGN_OR_RETURN(v1::CampaignSpec spec, definition::LoadCampaignFile(campaign_file));
  ASSIGN_OR_RETURN(v1::ApplyCampaignResponse applied, client.ApplyCampaign(spec, campaign_file));
  std::printf("applied %s version %lld%s\n", applied.campaign().spec().metadata().name().c_str(),
              static_cast<long long>(applied.campaign().version()),
              applied.changed() ? "" : " (unchanged)");
  v1::StartRunRequest request = StartRunRequest(spec.metadata().name());
  request.set_run_id(run_id);
  (*request.mutable_params()->mutable_fields())["segment"].set_string_value(segment);
  ASSIGN_OR_RETURN(v1::StartRunResponse started, client.StartRun(request));
  std::printf("%s run %s\n", started.created() ? "started" : "found the existing",
              started.run().run_id().c_str());
  return started.run().run_id();
}

// Prints the run's history as it happens, until the run ends; returns the final run.
absl::StatusOr<v1::Run> WatchToEnd(Client& client, const std::string& run_id) {
  RETURN_IF_ERROR(client.WatchRun(run_id, /*from_seq=*/1, [](const v1::HistoryEvent& event) {
    std::printf("  #%lld %s%s%s\n", static_cast<long long>(event.seq()),
                Name(event.type()).c_str(), event.step_key().empty() ? "" : " ",
                event.step_key().c_str());
    return true;
  }));
  return client.GetRun(run_id);
}

struct ExampleOptions {
  std::string address;
  std::string token;
  std::string campaign_file;
  std::string run_id;
  std::string segment;
};

absl::Status Run(const ExampleOptions& options) {
  WorkerOptions worker_options;
  worker_options.address = options.address;
  worker_options.worker_id = absl::StrCat("sdk-example-", getpid());
  worker_options.concurrency = 4;
  worker_options.token = options.token;
  Worker worker(worker_options);
  worker.Handle("crm.tag_leads", TagLeads);
  worker.Handle("slack.notify", Notify);
  RETURN_IF_ERROR(worker.Start());

  ClientOptions client_options;
  client_options.address = options.address;
  client_options.identity = "sdk-example";
  client_options.token = options.token;
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Create(client_options));
  ASSIGN_OR_RETURN(std::string run_id,
                   ApplyAndStart(*client, options.campaign_file, options.run_id, options.segment));
  ASSIGN_OR_RETURN(v1::Run run, WatchToEnd(*client, run_id));
  // Finish or hand back whatever the worker holds, and wait for the coordinator's acks.
  worker.Drain();

  const std::string status(absl::StripPrefix(v1::RunStatus_Name(run.status()), "RUN_STATUS_"));
  std::printf("run %s %s\n", run.run_id().c_str(), status.c_str());
  for (const v1::StepInstance& step : run.steps()) {
    std::printf("  %s: %s\n", step.key().c_str(), Json(step.output()).c_str());
  }
  if (run.status() != v1::RUN_STATUS_SUCCEEDED) {
    return absl::AbortedError(absl::StrCat("run ", run_id, " did not succeed: ",
                                           run.error().message()));
  }
  return absl::OkStatus();
}

std::string Address() {
  if (std::string flag = absl::GetFlag(FLAGS_address); !flag.empty()) return flag;
  if (const char* env = std::getenv("FANFARE_ADDRESS"); env != nullptr && *env != '\0') return env;
  return "127.0.0.1:7600";
}

std::string Token() {
  if (std::string flag = absl::GetFlag(FLAGS_token); !flag.empty()) return flag;
  const char* env = std::getenv("FANFARE_TOKEN");
  return env == nullptr ? "" : env;
}

}  // namespace
}  // namespace fanfare::example

int main(int argc, char** argv) {
  fanfare::ParseFlags(argc, argv,
                      "fanfare-sdk-example: serves crm.tag_leads and slack.notify, runs the "
                      "lead-followup campaign on fanfared and prints its outputs.\n"
                      "usage: fanfare-sdk-example [--address HOST:PORT] [--token TOKEN] "
                      "[--campaign FILE]");
  const std::string run_id = absl::GetFlag(FLAGS_run_id);
  const absl::Status status = fanfare::example::Run({
      .address = fanfare::example::Address(),
      .token = fanfare::example::Token(),
      .campaign_file = absl::GetFlag(FLAGS_campaign),
      .run_id = run_id.empty() ? absl::FormatTime("lead-followup-%Y%m%d", absl::Now(),
                                                  absl::UTCTimeZone())
                               : run_id,
      .segment = absl::GetFlag(FLAGS_segment),
  });
  if (!status.ok()) {
    std::fprintf(stderr, "fanfare-sdk-example: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
