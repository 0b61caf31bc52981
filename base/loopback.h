// Whether an address names this machine only: for the checks that keep a listener on loopback
// unless told otherwise, and plain-http webhooks to loopback receivers.
#ifndef FANFARE_BASE_LOOPBACK_H_
#define FANFARE_BASE_LOOPBACK_H_

#include "absl/strings/string_view.h"

namespace fanfare {

// True for "localhost", "[::1]" and an IPv4 address in 127.0.0.0/8 — not for a name that
// merely starts with "127." ("127.evil.example" resolves wherever its owner likes).
bool IsLoopbackHost(absl::string_view host);

// The same for "HOST:PORT" (the port is not looked at).
bool IsLoopbackAddress(absl::string_view address);

}  // namespace fanfare

#endif  // FANFARE_BASE_LOOPBACK_H_
