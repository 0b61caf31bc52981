// ParseFlags: how every Fanfare binary reads its Abseil flags.
//
// Flags are declared with underscores (ABSL_FLAG(..., data_dir, ...)) and may be written
// either way on the command line: `--data-dir DIR` and `--data_dir=DIR` are the same flag.
// `--help` lists the flags the program itself declares (not those of its libraries).
#ifndef FANFARE_BASE_COMMAND_LINE_H_
#define FANFARE_BASE_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace fanfare {

// `arg` with the dashes inside a flag's name turned into underscores ("--data-dir=x" →
// "--data_dir=x"); operands, values and a lone "--" are returned unchanged.
std::string CanonicalFlagSpelling(absl::string_view arg);

// Sets the usage message, then parses argc/argv (exiting on a bad flag or --help, as
// absl::ParseCommandLine does). Returns the positional arguments, argv[0] first. Call it
// once, from main(): the arguments returned live as long as the program.
//
// Each flag named in `repeatable` (a comma-separated list flag, spelled with underscores) may
// be given several times; its values are joined with commas, where Abseil alone would keep
// only the last one.
std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view usage,
                              const std::vector<std::string>& repeatable = {});

// `args` (argv without argv[0]) with every argument that names a declared flag canonically
// spelled and the values of each `repeatable` flag joined into its first occurrence.
// Operands, flag values, unknown flags (for Abseil to report) and everything after "--" are
// kept as written.
std::vector<std::string> CanonicalFlagArgs(const std::vector<std::string>& args,
                                           const std::vector<std::string>& repeatable);

}  // namespace fanfare

#endif  // FANFARE_BASE_COMMAND_LINE_H_
