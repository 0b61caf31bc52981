#include "engine/store/rocks_status.h"

#include "absl/strings/str_cat.h"

namespace fanfare::store {
namespace {

absl::StatusCode CodeFor(const rocksdb::Status& status) {
  switch (status.code()) {
    case rocksdb::Status::kOk: return absl::StatusCode::kOk;
    case rocksdb::Status::kNotFound: return absl::StatusCode::kNotFound;
    case rocksdb::Status::kCorruption: return absl::StatusCode::kDataLoss;
    case rocksdb::Status::kInvalidArgument:
    case rocksdb::Status::kNotSupported: return absl::StatusCode::kInvalidArgument;
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTryAgain:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kIncomplete: return absl::StatusCode::kUnavailable;
    case rocksdb::Status::kIOError:
      return status.IsNoSpace() ? absl::StatusCode::kUnavailable : absl::StatusCode::kInternal;
    default: return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& status, absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  std::string message = context.empty() ? status.ToString()
                                        : absl::StrCat(context, ": ", status.ToString());
  return absl::Status(CodeFor(status), message);
}

}  // namespace fanfare::store
