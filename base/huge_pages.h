// Transparent huge pages for glibc's malloc, asked for before the program does anything.
//
// A coordinator that restarts with many active runs allocates hundreds of MiB of small
// objects at once, and in a VM each first-touched 4 KiB page is a costly fault. glibc 2.35+
// backs its heap with transparent huge pages when GLIBC_TUNABLES has glibc.malloc.hugetlb=1,
// a setting it reads only from the environment at start-up; so the program re-executes itself
// once with it. On the project's machine this halves the restart of fanfared with 100,000
// active runs (bench/README.md, "Restart with many active runs").
#ifndef FANFARE_BASE_HUGE_PAGES_H_
#define FANFARE_BASE_HUGE_PAGES_H_

namespace fanfare {

// Re-executes the program (/proc/self/exe with `argv`) with
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 when the kernel gives huge pages on request
// (/sys/kernel/mm/transparent_hugepage/enabled is "madvise"; with "always" malloc gets them
// anyway, with "never" not at all) and GLIBC_TUNABLES is not set (whoever set it decided:
// glibc.malloc.hugetlb=0 opts out). Returns only if it did not re-execute.
//
// Call it first in main(), before any thread starts or any state exists.
void UseHugePagesForMalloc(char** argv);

}  // namespace fanfare

#endif  // FANFARE_BASE_HUGE_PAGES_H_
