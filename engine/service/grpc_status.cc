#include "engine/service/grpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "base/utf8.h"

namespace fanfare {

namespace {

// `message` if it is short; else its first lines within the limit, and what was cut.
std::string Bounded(absl::string_view message) {
  if (message.size() <= kMaxStatusMessageBytes) return std::string(message);
  absl::string_view kept = message.substr(0, kMaxStatusMessageBytes);
  if (const size_t line_end = kept.rfind('\n'); line_end != absl::string_view::npos && line_end > 0) {
    kept = kept.substr(0, line_end);
  } else {
    // One long line: cut at a UTF-8 character boundary.
    kept = message.substr(0, Utf8PrefixLength(message, kMaxStatusMessageBytes));
  }
  return absl::StrCat(kept, "\n… (", message.size() - kept.size(), " more bytes of this message "
                      "were cut)");
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), Bounded(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace fanfare
