#include "workers/content/content_generator.h"

#include <string>

#include "base/status_macros.h"
#include "workers/content/content_input.h"
#include "workers/content/network_rules.h"
#include "workers/content/post_variant.h"

namespace fanfare::workers::content {

absl::StatusOr<google::protobuf::Value> GenerateContent(const google::protobuf::Struct& input) {
  ASSIGN_OR_RETURN(const ContentRequest request, ParseContentRequest(input));
  google::protobuf::Value output;
  auto& fields = *output.mutable_struct_value()->mutable_fields();
  auto& variants = *fields["variants"].mutable_struct_value()->mutable_fields();
  auto& networks = *fields["networks"].mutable_list_value();
  auto& variant_list = *fields["variant_list"].mutable_list_value();
  for (const std::string& network : request.networks) {
    ASSIGN_OR_RETURN(google::protobuf::Value variant,
                     BuildPostVariant(request, *FindNetworkRules(network)));
    networks.add_values()->set_string_value(network);
    *variant_list.add_values() = variant;
    variants[network] = std::move(variant);
  }
  return output;
}

absl::StatusOr<google::protobuf::Value> HandleContentGenerate(TaskContext& ctx) {
  if (ctx.cancelled()) return absl::CancelledError("content.generate: the task was cancelled");
  return GenerateContent(ctx.input());
}

}  // namespace fanfare::workers::content
