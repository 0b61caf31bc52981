#include "cli/args.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/suggest.h"

namespace fanfare::cli {

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& argv,
                                 const std::vector<FlagSpec>& flags) {
  Args args;
  std::vector<std::string> names;
  for (const FlagSpec& f : flags) names.push_back(f.name);
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") {
      args.positional_.insert(args.positional_.end(), argv.begin() + i + 1, argv.end());
      break;
    }
    if (!absl::StartsWith(arg, "--") || arg.size() == 2) {
      args.positional_.push_back(arg);
      continue;
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    auto spec = std::find_if(flags.begin(), flags.end(),
                             [&](const FlagSpec& f) { return f.name == name; });
    if (spec == flags.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, DidYouMean(name, names)));
    }
    std::string value;
    if (spec->value_name.empty()) {
      if (eq != std::string::npos) {
        return absl::InvalidArgumentError(absl::StrCat("flag --", name, " takes no value"));
      }
      value = "true";
    } else if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < argv.size()) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", name, " needs a value (", spec->value_name, ")"));
    }
    auto& slot = args.values_[name];
    if (!spec->repeated) slot.clear();
    slot.push_back(std::move(value));
  }
  return args;
}

std::optional<std::string> Args::Get(absl::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string Args::GetOr(absl::string_view name, absl::string_view fallback) const {
  std::optional<std::string> value = Get(name);
  return value ? *value : std::string(fallback);
}

absl::StatusOr<int64_t> Args::GetInt(absl::string_view name, int64_t fallback, int64_t lo,
                                     int64_t hi) const {
  const std::optional<std::string> text = Get(name);
  if (!text.has_value()) return fallback;
  int64_t value = 0;
  if (absl::SimpleAtoi(*text, &value) && value >= lo && value <= hi) return value;
  const std::string expected = lo == 1 && hi == INT64_MAX
                                   ? std::string("a positive whole number")
                                   : absl::StrCat("a whole number from ", lo, " to ", hi);
  return absl::InvalidArgumentError(absl::StrCat("--", name, " ", *text, ": expected ", expected));
}

std::vector<std::string> Args::GetAll(absl::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>() : it->second;
}

std::string FlagHelp(const std::vector<FlagSpec>& flags) {
  std::string out;
  for (const FlagSpec& f : flags) {
    std::string left = absl::StrCat("--", f.name);
    if (!f.value_name.empty()) absl::StrAppend(&left, " ", f.value_name);
    absl::StrAppend(&out, absl::StrFormat("  %-26s %s\n", left, f.help));
  }
  return out;
}

}  // namespace fanfare::cli
