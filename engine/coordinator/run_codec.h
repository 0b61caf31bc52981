// Conversions between a run in memory (scheduler::RunState) and its stored records, and the
// public views GetRun returns.
#ifndef FANFARE_ENGINE_COORDINATOR_RUN_CODEC_H_
#define FANFARE_ENGINE_COORDINATOR_RUN_CODEC_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/scheduler/run_state.h"
#include "fanfare/internal/records.pb.h"
#include "fanfare/v1/run.pb.h"

namespace fanfare::coordinator {

internal::RunRecord EncodeRun(const scheduler::RunState& run);
// Writes `instance`'s record into `record`, which is empty and may live on an arena: every
// field's allocation is then the arena's (Engine::Flush encodes a cycle's records on one).
void EncodeStep(const scheduler::StepInstance& instance, internal::StepRecord& record);

// The public view of one instance.
v1::StepInstance PublicInstance(const scheduler::StepInstance& instance,
                                const scheduler::RunState& run);
// The public view of a run, with every instance.
v1::Run PublicRun(const scheduler::RunState& run);

// Rebuilds a run from its records. DataLoss if a step record has no key or names a step the
// campaign version does not have (the store does not match the spec it says it was run
// with); see stored_record.h for records that do not parse at all.
absl::StatusOr<std::unique_ptr<scheduler::RunState>> DecodeRun(
    const internal::RunRecord& record,
    std::shared_ptr<const scheduler::CompiledCampaign> campaign,
    std::vector<internal::StepRecord> steps);

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_RUN_CODEC_H_
