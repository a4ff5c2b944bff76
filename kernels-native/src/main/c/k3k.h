/* k3kernels: the C side of kernels-native. One header for the ABI; block layouts live in k3k_blocks.h. */
#ifndef K3K_H
#define K3K_H

#include <stddef.h>
#include <stdint.h>

/* Bumped whenever an exported signature changes; NativeKernels refuses a library that disagrees. */
#define K3K_ABI_VERSION 1

int k3k_abi_version(void);

#endif
