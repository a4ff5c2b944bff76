/* Library identity: the ABI version the Java side checks at load. */
#include "k3k.h"

int k3k_abi_version(void) { return K3K_ABI_VERSION; }
