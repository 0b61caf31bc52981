// content.generate: per-network post copy from one brief.
//
//   steps:
//     - id: copy
//       action: content.generate
//       with:
//         brief: {headline: "Launch day is here", body: "…", link: "https://acme.example/rocket",
//                 call_to_action: "Pre-order now", hashtags: [launch, rocket]}
//         networks: [x, linkedin]
//         utm: {campaign: rocket-launch}
//     - id: publish
//       for_each: "{{ steps.copy.output.variant_list }}"    # items keyed by network
//       action: "{{ item.network }}.publish"
//       with: {text: "{{ item.text }}"}
//
// Later steps read `steps.copy.output.variants.x.text` (see post_variant.h for a variant's
// fields). The output is
//   {"variants": {"x": {…}, "linkedin": {…}},   by network
//    "networks": ["x", "linkedin"],              in the order written
//    "variant_list": [{…}, {…}]}                 the same variants, in that order
//
// Deterministic: the output is a function of the input alone — no clock, no randomness (a
// `seed` is accepted and has no effect, since nothing is random) — so the action is
// idempotent and a retried or reconciled task produces the same copy. Thread-safe.
#ifndef FANFARE_WORKERS_CONTENT_CONTENT_GENERATOR_H_
#define FANFARE_WORKERS_CONTENT_CONTENT_GENERATOR_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "sdk/worker/task_context.h"

namespace fanfare::workers::content {

inline constexpr absl::string_view kContentGenerateAction = "content.generate";

// The variants for `input` (the step's `with`), or RejectedInput naming the field to fix.
absl::StatusOr<google::protobuf::Value> GenerateContent(const google::protobuf::Struct& input);

// The TaskHandler for content.generate. A reconcile simply recomputes: the action has no
// effect outside its output.
absl::StatusOr<google::protobuf::Value> HandleContentGenerate(TaskContext& ctx);

}  // namespace fanfare::workers::content

#endif  // FANFARE_WORKERS_CONTENT_CONTENT_GENERATOR_H_
