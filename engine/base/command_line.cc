#include "engine/base/command_line.h"

#include <algorithm>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace fanfare {
namespace {

// Flags declared in this repository's sources, not in Abseil's or gRPC's.
bool DeclaredByFanfare(absl::string_view file) {
  return !absl::StartsWith(file, "/usr/") && !absl::StrContains(file, "absl/");
}

}  // namespace

std::string CanonicalFlagSpelling(absl::string_view arg) {
  if (!absl::StartsWith(arg, "-") || arg == "--" || arg == "-") return std::string(arg);
  const size_t dashes = absl::StartsWith(arg, "--") ? 2 : 1;
  const size_t name_end = std::min(arg.find('='), arg.size());
  std::string canonical(arg);
  std::replace(canonical.begin() + dashes, canonical.begin() + name_end, '-', '_');
  return canonical;
}

std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view usage) {
  absl::FlagsUsageConfig config;
  config.contains_help_flags = DeclaredByFanfare;
  config.contains_helpshort_flags = DeclaredByFanfare;
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(
      absl::StrCat(usage, "\nFlag names take dashes or underscores: --data-dir is --data_dir."));
  // The returned operands point into these strings, so they live as long as the program.
  auto* const spelled = new std::vector<std::string>(argv, argv + argc);
  bool operands_only = false;
  for (size_t i = 1; i < spelled->size(); ++i) {
    std::string& arg = (*spelled)[i];
    if (!operands_only) arg = CanonicalFlagSpelling(arg);
    operands_only = operands_only || arg == "--";
  }
  std::vector<char*> pointers;
  for (std::string& arg : *spelled) pointers.push_back(arg.data());
  return absl::ParseCommandLine(static_cast<int>(pointers.size()), pointers.data());
}

}  // namespace fanfare
