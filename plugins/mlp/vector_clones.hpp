// LIOUVILLE_MLP_VECTOR_CLONES before a function compiles it for AVX-512 and
// AVX2 as well as for the baseline and picks one when the library is loaded
// (GCC function multiversioning), so plain loops vectorize to the CPU's widest
// unit in a portable build; elsewhere the baseline only.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define LIOUVILLE_MLP_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LIOUVILLE_MLP_VECTOR_CLONES
#endif
