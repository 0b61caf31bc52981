// Fuzzes the campaign loader, YAML first: any bytes must load into diagnostics or a valid
// spec, never crash, and a spec the loader accepts must hold up everywhere it goes next.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/definition/graph.h"
#include "engine/definition/loader.h"
#include "engine/scheduler/compiled_campaign.h"

namespace {

// Invariants are checked loudly: a violation aborts, which the fuzzer reports as a crash.
void Check(bool condition, absl::string_view what, const absl::Status& status) {
  if (condition) return;
  std::cerr << "invariant broken: " << what << ": " << status << "\n";
  std::abort();
}

namespace definition = fanfare::definition;

void LoadAndCheck(absl::string_view text, definition::SourceFormat format) {
  const definition::LoadResult result = definition::ParseCampaign(text, format, "fuzz");
  // Every diagnostic renders, and the status lists them all.
  for (const definition::Diagnostic& d : result.diagnostics) (void)d.ToString();
  Check(result.status.ok() == result.diagnostics.empty(), "status agrees with diagnostics",
        result.status);
  if (!result.status.ok()) return;

  // Accepted: the same spec passes the validator alone (as it does when sent over gRPC) ...
  const definition::LoadResult checked = definition::CheckCampaign(result.spec, "fuzz");
  Check(checked.status.ok(), "CheckCampaign accepts what ParseCampaign accepted", checked.status);
  // ... compiles for the scheduler ...
  fanfare::v1::Campaign campaign;
  *campaign.mutable_spec() = result.spec;
  campaign.set_version(1);
  const auto compiled = fanfare::scheduler::CompiledCampaign::Compile(campaign);
  Check(compiled.ok(), "the scheduler compiles a validated spec", compiled.status());
  // ... and draws.
  (void)definition::RenderGraph(result.spec, definition::GraphFormat::kDot);
  (void)definition::RenderGraph(result.spec, definition::GraphFormat::kMermaid);
}

}  // namespace

// The bytes as YAML, and as protobuf text format (which shares the diagnostics and positions).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  LoadAndCheck(text, definition::SourceFormat::kYaml);
  LoadAndCheck(text, definition::SourceFormat::kTextProto);
  return 0;
}
