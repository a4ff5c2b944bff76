/* Library identity and the ISA paths compiled in; the Java side checks the ABI version at load. */
#include "k3k.h"

int k3k_abi_version(void) { return K3K_ABI_VERSION; }
