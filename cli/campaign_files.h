// Reading campaign files for the CLI: `validate`, `graph`, `apply` and `run FILE` load files
// the same way and print their problems the same way.
#ifndef FANFARE_CLI_CAMPAIGN_FILES_H_
#define FANFARE_CLI_CAMPAIGN_FILES_H_

#include <string>

#include "engine/definition/loader.h"
#include "cli/command.h"

namespace fanfare::cli {

// Loads and validates one file (format from its extension). Returns the result either way:
// `status` is OK, or says why the file could not be read, or lists every diagnostic.
definition::LoadResult LoadCampaignForCli(const std::string& path);

// Prints why a file did not load to context.err: every diagnostic ("file:line:column: …",
// one per line), or "error: …" when the file could not be read at all.
void PrintLoadFailure(const definition::LoadResult& result, CliContext& context);

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_CAMPAIGN_FILES_H_
