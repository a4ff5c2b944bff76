/* C kernel tests, run natively and under qemu-user (make qemu-test). Each check prints one line on
 * failure; the last line is "c-kernels: N passed, N failed". */
#include <stdio.h>
#include "../k3k.h"

static int passed, failed;

#define CHECK(cond, ...) do { if (cond) { passed++; } else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

int main(void) {
    CHECK(k3k_abi_version() == K3K_ABI_VERSION, "abi version %d", k3k_abi_version());
    printf("c-kernels: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
