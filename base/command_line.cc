#include "base/command_line.h"

#include <algorithm>
#include <map>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
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

// Whether `arg` ("--name", "--name=value", "-name") names a flag this program declares.
bool NamesAFlag(absl::string_view arg) {
  if (!absl::StartsWith(arg, "-") || arg == "-" || arg == "--") return false;
  arg.remove_prefix(absl::StartsWith(arg, "--") ? 2 : 1);
  arg = arg.substr(0, arg.find('='));
  if (absl::FindCommandLineFlag(arg) != nullptr) return true;
  // Abseil's --noflag spelling of a boolean.
  return absl::StartsWith(arg, "no") && absl::FindCommandLineFlag(arg.substr(2)) != nullptr;
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

std::vector<std::string> CanonicalFlagArgs(const std::vector<std::string>& args,
                                           const std::vector<std::string>& repeatable) {
  std::vector<std::string> out;
  // Per repeatable flag: where its first occurrence is in `out`.
  std::map<std::string, size_t> first;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {
      out.insert(out.end(), args.begin() + i, args.end());
      break;
    }
    std::string arg = CanonicalFlagSpelling(args[i]);
    if (!NamesAFlag(arg)) {
      // An operand, or the value of the flag before it: kept as written.
      out.push_back(args[i]);
      continue;
    }
    const size_t dashes = absl::StartsWith(arg, "--") ? 2 : absl::StartsWith(arg, "-") ? 1 : 0;
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(dashes, equals == std::string::npos ? std::string::npos
                                                                           : equals - dashes);
    if (dashes == 0 || std::find(repeatable.begin(), repeatable.end(), name) == repeatable.end()) {
      out.push_back(std::move(arg));
      continue;
    }
    std::string value;
    if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      out.push_back(std::move(arg));  // no value: Abseil says so
      continue;
    }
    auto [it, inserted] = first.try_emplace(name, out.size());
    if (inserted) {
      out.push_back(absl::StrCat("--", name, "=", value));
    } else {
      absl::StrAppend(&out[it->second], ",", value);
    }
  }
  return out;
}

std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view usage,
                              const std::vector<std::string>& repeatable) {
  absl::FlagsUsageConfig config;
  config.contains_help_flags = DeclaredByFanfare;
  config.contains_helpshort_flags = DeclaredByFanfare;
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(
      absl::StrCat(usage, "\nFlag names take dashes or underscores: --data-dir is --data_dir."));
  // The returned operands point into these strings, so they live as long as the program;
  // held by a static so that they stay reachable (LeakSanitizer counted them lost).
  static std::vector<std::string>* const spelled = new std::vector<std::string>();
  spelled->push_back(argv[0]);
  for (std::string& arg : CanonicalFlagArgs(std::vector<std::string>(argv + 1, argv + argc),
                                            repeatable)) {
    spelled->push_back(std::move(arg));
  }
  std::vector<char*> pointers;
  for (std::string& arg : *spelled) pointers.push_back(arg.data());
  return absl::ParseCommandLine(static_cast<int>(pointers.size()), pointers.data());
}

}  // namespace fanfare
