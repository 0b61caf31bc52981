// Shutdown signals for Fanfare's processes: SIGINT and SIGTERM are blocked in every thread
// and waited for by one, so that shutdown runs as ordinary code rather than in a handler.
#ifndef FANFARE_BASE_SIGNALS_H_
#define FANFARE_BASE_SIGNALS_H_

namespace fanfare {

// Blocks SIGINT and SIGTERM in the calling thread and in every thread it creates later.
// Call first thing in main(), before any thread starts.
void BlockShutdownSignals();

// Waits for SIGINT or SIGTERM and returns which. REQUIRES: BlockShutdownSignals() ran.
int WaitForShutdownSignal();

}  // namespace fanfare

#endif  // FANFARE_BASE_SIGNALS_H_
