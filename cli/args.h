// A small command-line parser for `fanfare <verb> [flags] [args]`: each verb declares its
// flags; `--name value`, `--name=value`, repeatable flags and `--` are understood.
#ifndef FANFARE_CLI_ARGS_H_
#define FANFARE_CLI_ARGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fanfare::cli {

struct FlagSpec {
  std::string name;        // without the leading "--"
  std::string value_name;  // e.g. "FILE"; empty for boolean flags
  std::string help;
  bool repeated = false;
};

// Parsed arguments of one verb. Immutable after Parse.
class Args {
 public:
  // InvalidArgument naming the flag for unknown flags and missing values.
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv,
                                    const std::vector<FlagSpec>& flags);

  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(absl::string_view name) const { return values_.contains(name); }
  // The last value given for `name`, if any.
  std::optional<std::string> Get(absl::string_view name) const;
  std::string GetOr(absl::string_view name, absl::string_view fallback) const;
  // A whole number within [lo, hi] from --`name`, `fallback` when absent; InvalidArgument
  // naming the flag, its value and the range otherwise.
  absl::StatusOr<int64_t> GetInt(absl::string_view name, int64_t fallback, int64_t lo,
                                 int64_t hi) const;
  // Every value given for a repeated flag, in order.
  std::vector<std::string> GetAll(absl::string_view name) const;

 private:
  std::vector<std::string> positional_;
  absl::flat_hash_map<std::string, std::vector<std::string>> values_;
};

// "  --name VALUE   help" lines for a usage text.
std::string FlagHelp(const std::vector<FlagSpec>& flags);

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_ARGS_H_
