// fanfare: the command-line client. See docs/cli.md.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/command.h"

int main(int argc, char** argv) {
  const char* address = std::getenv("FANFARE_ADDRESS");
  const char* user = std::getenv("USER");
  fanfare::cli::CliContext context{std::cout, std::cerr, isatty(STDOUT_FILENO) == 1,
                                   address == nullptr ? "" : address, user == nullptr ? "" : user};
  const auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value == nullptr ? "" : value);
  };
  context.token_from_env = env("FANFARE_TOKEN");
  context.tls_ca_from_env = env("FANFARE_TLS_CA");
  context.tls_cert_from_env = env("FANFARE_TLS_CERT");
  context.tls_key_from_env = env("FANFARE_TLS_KEY");
  return fanfare::cli::RunCli(std::vector<std::string>(argv + 1, argv + argc), context);
}
