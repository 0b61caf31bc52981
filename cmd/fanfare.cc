// fanfare: the command-line client. See docs/cli.md.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/command.h"

int main(int argc, char** argv) {
  const char* address = std::getenv("FANFARE_ADDRESS");
  const char* user = std::getenv("USER");
  const char* token = std::getenv("FANFARE_TOKEN");
  fanfare::cli::CliContext context{std::cout, std::cerr, isatty(STDOUT_FILENO) == 1,
                                   address == nullptr ? "" : address, user == nullptr ? "" : user};
  context.token_from_env = token == nullptr ? "" : token;
  return fanfare::cli::RunCli(std::vector<std::string>(argv + 1, argv + argc), context);
}
