#include "engine/coordinator/stored_record.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace fanfare::coordinator {

absl::Status CorruptRecord(store::Cf cf, absl::string_view key) {
  constexpr size_t kShownKeyBytes = 200;
  return absl::DataLossError(absl::StrCat(
      "corrupt ", store::CfName(cf), " record at key \"",
      absl::CEscape(key.substr(0, kShownKeyBytes)), key.size() > kShownKeyBytes ? "…" : "",
      "\"; the data directory is damaged"));
}

}  // namespace fanfare::coordinator
