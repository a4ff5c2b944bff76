/* The run-time dispatch table: the generic row for every type, then each ISA installer overwrites the
 * rows it accelerates when this CPU has the features. Also the coverage report and the ISA name. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "k3k.h"
#include "k3k_fa_micro.h"
#include "k3k_internal.h"
#include "k3k_packed.h"

static k3k_type_traits fast_table[K3K_TYPE_COUNT], generic_table[K3K_TYPE_COUNT];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *isa_name = "generic";
static volatile int use_generic;

static void row(int type, k3k_vec_dot_fn dot, int vec_dot_type, k3k_from_float_fn from_float) {
    generic_table[type] = (k3k_type_traits) {
        .dot = dot, .generic = dot, .from_float = from_float, .vec_dot_type = vec_dot_type, .path = "generic",
    };
}

static void init(void) {
    row(K3K_F32, k3k_vec_dot_f32_generic, K3K_F32, k3k_quantize_row_f32);
    row(K3K_F16, k3k_vec_dot_f16_generic, K3K_F16, k3k_quantize_row_f16);
    row(K3K_BF16, k3k_vec_dot_bf16_generic, K3K_BF16, k3k_quantize_row_bf16);
    row(K3K_Q4_0, k3k_vec_dot_q4_0_q8_0_generic, K3K_Q8_0, k3k_quantize_row_q8_0);
    row(K3K_Q4_1, k3k_vec_dot_q4_1_q8_1_generic, K3K_Q8_1, k3k_quantize_row_q8_1);
    row(K3K_Q5_0, k3k_vec_dot_q5_0_q8_0_generic, K3K_Q8_0, k3k_quantize_row_q8_0);
    row(K3K_Q5_1, k3k_vec_dot_q5_1_q8_1_generic, K3K_Q8_1, k3k_quantize_row_q8_1);
    row(K3K_Q8_0, k3k_vec_dot_q8_0_q8_0_generic, K3K_Q8_0, k3k_quantize_row_q8_0);
    row(K3K_Q2_K, k3k_vec_dot_q2_K_q8_K_generic, K3K_Q8_K, k3k_quantize_row_q8_K);
    row(K3K_Q3_K, k3k_vec_dot_q3_K_q8_K_generic, K3K_Q8_K, k3k_quantize_row_q8_K);
    row(K3K_Q4_K, k3k_vec_dot_q4_K_q8_K_generic, K3K_Q8_K, k3k_quantize_row_q8_K);
    row(K3K_Q5_K, k3k_vec_dot_q5_K_q8_K_generic, K3K_Q8_K, k3k_quantize_row_q8_K);
    row(K3K_Q6_K, k3k_vec_dot_q6_K_q8_K_generic, K3K_Q8_K, k3k_quantize_row_q8_K);
    row(K3K_Q8_K, k3k_vec_dot_q8_K_q8_K_generic, K3K_Q8_K, k3k_quantize_row_q8_K);
    row(K3K_IQ4_NL, k3k_vec_dot_iq4_nl_q8_0_generic, K3K_Q8_0, k3k_quantize_row_q8_0);
    row(K3K_IQ4_XS, k3k_vec_dot_iq4_xs_q8_K_generic, K3K_Q8_K, k3k_quantize_row_q8_K);
    generic_table[K3K_F16].kv_round = k3k_kv_round_f16_generic;
    generic_table[K3K_F16].kv_widen = k3k_kv_widen_f16_generic;
    generic_table[K3K_Q8_0].kv_widen = k3k_kv_widen_q8_0_generic;
    generic_table[K3K_Q4_0].kv_widen = k3k_kv_widen_q4_0_generic;
    K3K_FA_INSTALL(generic_table[K3K_F32], generic, "generic");
    generic_table[K3K_F32].kv_path = generic_table[K3K_F16].kv_path = "generic";
    generic_table[K3K_Q8_0].kv_path = generic_table[K3K_Q4_0].kv_path = "generic";
    generic_table[K3K_F32].gdn_decay_dot = k3k_gdn_decay_dot_generic;
    generic_table[K3K_F32].gdn_update_dot = k3k_gdn_update_dot_generic;
    generic_table[K3K_F32].gdn_path = "generic";
    generic_table[K3K_F32].conv_taps = k3k_conv_taps_generic;
    generic_table[K3K_F32].gelu_rows = k3k_gelu_rows_generic;
    generic_table[K3K_F32].act_path = "generic";
    generic_table[K3K_Q4_0].packed = k3k_q4_0x8_generic;
    generic_table[K3K_Q4_0].packed_path = "generic";
    generic_table[K3K_Q8_0].packed = k3k_q8_0x8_generic;
    generic_table[K3K_IQ4_NL].packed = k3k_iq4_nlx8_generic;
    generic_table[K3K_IQ4_NL].packed_path = "generic";
    generic_table[K3K_IQ4_XS].packed = k3k_iq4_xsx8_generic;
    generic_table[K3K_IQ4_XS].packed_path = "generic";
    generic_table[K3K_Q8_0].packed_path = "generic";
    generic_table[K3K_Q4_K].packed = k3k_q4_Kx8_generic;
    generic_table[K3K_Q4_K].packed_path = "generic";
    generic_table[K3K_Q6_K].packed = k3k_q6_Kx8_generic;
    generic_table[K3K_Q6_K].packed_path = "generic";
    for (int t = 0; t < K3K_TYPE_COUNT; t++) fast_table[t] = generic_table[t];
    /* K3K_ISA caps the paths for comparisons: "generic", "avx2" to leave AVX-512 out, or "neon-dotprod"
     * to leave i8mm out; "avxvnni" leaves AVX-512 out and asks for the AVX-VNNI kernels, which are off
     * otherwise until a CPU with AVX-VNNI has run them (k3k_x86_avxvnni.c) */
    const char *cap = getenv("K3K_ISA");
    if (cap && strcmp(cap, "generic") == 0) return;
    const int avxvnni = cap && strcmp(cap, "avxvnni") == 0;
    const int avx512 = !cap || (strcmp(cap, "avx2") != 0 && !avxvnni), i8mm = !cap || strcmp(cap, "neon-dotprod") != 0;
    if (k3k_install_x86_avx2(fast_table)) {
        isa_name = "avx2";
        if (avx512 && k3k_install_x86_avx512(fast_table)) isa_name = "avx512vnni";
        else if (avxvnni && k3k_install_x86_avxvnni(fast_table)) isa_name = "avxvnni";
    } else if (k3k_install_arm_neon(fast_table)) isa_name = i8mm && k3k_install_arm_i8mm(fast_table) ? "neon-i8mm" : "neon-dotprod";
    else if (k3k_install_riscv_rvv(fast_table)) isa_name = "rvv";
}

const char *k3k_other_paths(void) {
    /* the installs themselves say what this CPU has (each checks its own features), into a table thrown away */
    static k3k_type_traits probe[K3K_TYPE_COUNT];
    if (!k3k_install_x86_avx2(probe)) return ""; /* also every non-x86 build */
    const int avx512 = k3k_install_x86_avx512(probe), avxvnni = k3k_install_x86_avxvnni(probe);
    return avx512 ? (avxvnni ? "avx2\navxvnni\n" : "avx2\n") : avxvnni ? "avxvnni\n" : "";
}

const k3k_type_traits *k3k_traits(int type) {
    pthread_once(&once, init);
    if (type < 0 || type >= K3K_TYPE_COUNT) return NULL;
    const k3k_type_traits *t = use_generic ? &generic_table[type] : &fast_table[type];
    return t->dot ? t : NULL;
}

void k3k_force_generic(int on) { use_generic = on; }
void k3k_set_generic(int on) { k3k_force_generic(on); }

const char *k3k_isa(void) {
    pthread_once(&once, init);
    return use_generic ? "generic" : isa_name;
}

static const char *type_name(int type) {
    switch (type) {
    case K3K_F32: return "F32"; case K3K_F16: return "F16"; case K3K_BF16: return "BF16";
    case K3K_Q4_0: return "Q4_0"; case K3K_Q4_1: return "Q4_1"; case K3K_Q5_0: return "Q5_0";
    case K3K_Q5_1: return "Q5_1"; case K3K_Q8_0: return "Q8_0"; case K3K_Q2_K: return "Q2_K";
    case K3K_Q3_K: return "Q3_K"; case K3K_Q4_K: return "Q4_K"; case K3K_Q5_K: return "Q5_K";
    case K3K_Q6_K: return "Q6_K"; case K3K_Q8_K: return "Q8_K";
    case K3K_IQ4_NL: return "IQ4_NL"; case K3K_IQ4_XS: return "IQ4_XS";
    default: return NULL;
    }
}

int k3k_coverage(char *buf, int cap) {
    pthread_once(&once, init);
    int len = 0;
    for (int t = 0; t < K3K_TYPE_COUNT; t++) {
        const k3k_type_traits *tr = k3k_traits(t);
        if (!tr || !type_name(t)) continue;
        char line[64];
        const int n = snprintf(line, sizeof(line), "matmul.%s %s\n", type_name(t), tr->path);
        if (buf && len + n < cap) memcpy(buf + len, line, (size_t) n + 1);
        len += n;
    }
    const int packed_types[] = {K3K_Q4_0, K3K_Q8_0, K3K_Q4_K, K3K_Q6_K, K3K_IQ4_NL, K3K_IQ4_XS};
    for (int i = 0; i < 6; i++) {
        char line[128];
        const k3k_type_traits *tr = k3k_traits(packed_types[i]);
        const int n = snprintf(line, sizeof(line), "matmul_packed.%sx8 %s%s%s%s%s\n", type_name(packed_types[i]),
                               tr->packed_path, tr->packed_pair ? " gemm16:" : "", tr->packed_pair ? tr->packed_pair_path : "",
                               tr->packed_row ? " rows1:" : "", tr->packed_row ? tr->packed_row_path : "");
        if (buf && len + n < cap) memcpy(buf + len, line, (size_t) n + 1);
        len += n;
    }
    const int cache_types[] = {K3K_F32, K3K_F16, K3K_Q8_0, K3K_Q4_0};
    for (int i = 0; i < 4; i++) {
        char line[64];
        const int t = cache_types[i];
        const int n = snprintf(line, sizeof(line), "attention.%s %s\n", type_name(t), k3k_traits(t)->kv_path);
        if (buf && len + n < cap) memcpy(buf + len, line, (size_t) n + 1);
        len += n;
    }
    {
        char line[64];
        const int n = snprintf(line, sizeof(line), "gated_delta_net %s\ncausal_conv %s\n", k3k_traits(K3K_F32)->gdn_path,
                               k3k_traits(K3K_F32)->gdn_path);
        if (buf && len + n < cap) memcpy(buf + len, line, (size_t) n + 1);
        len += n;
    }
    {
        char line[64];
        const int n = snprintf(line, sizeof(line), "activations %s\n", k3k_traits(K3K_F32)->act_path);
        if (buf && len + n < cap) memcpy(buf + len, line, (size_t) n + 1);
        len += n;
    }
    const char *rest = "rms_norm generic\nlayer_norm generic\nrope generic\n"
                       "quantize generic\ndequantize generic\n";
    const int n = (int) strlen(rest);
    if (buf && len + n < cap) memcpy(buf + len, rest, (size_t) n + 1);
    return len + n;
}
