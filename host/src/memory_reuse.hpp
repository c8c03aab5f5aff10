// Keeping freed heap memory in the process.
//
// A training iteration allocates and frees the same solver buffers every time
// (an adjoint solve's state holds every parameter: ~80 KB per stage vector for
// FFJORD's toy model). glibc returns the free top of the heap to the system once
// it exceeds M_TRIM_THRESHOLD (128 KiB by default) and maps blocks above
// M_MMAP_THRESHOLD afresh, so each iteration page-faults those buffers in again:
// 250 faults, 15% of an FFJORD iteration at batch 100 on two threads.
// A program embedding Liouville gains the same from calling this first.
#pragma once

namespace liouville::host {

// Raises the trim threshold to 256 MiB and fixes the mmap threshold at 32 MiB
// (glibc's largest), so only blocks above it go back to the system when freed.
// Does nothing with another C library.
void keep_freed_memory();

}  // namespace liouville::host
