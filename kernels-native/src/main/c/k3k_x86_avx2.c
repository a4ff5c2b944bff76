/* x86_64 AVX2+FMA+F16C dots, compiled with __attribute__((target)) so one library runs on any x86_64 and
 * takes this path only when cpuid reports the features. Integer sums are exact; the float accumulation
 * is vectorised (8 lanes, FMA), so results differ from the generic path only by float reassociation. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_avx2.h"

/* 8 int32 sums of x*y for signed bytes x, y (maddubs needs one unsigned operand: move x's sign to y). */
AVX2 static inline __m256i dot_i8_i32(__m256i x, __m256i y) {
    const __m256i p16 = _mm256_maddubs_epi16(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
    return _mm256_madd_epi16(p16, _mm256_set1_epi16(1));
}

/* quantize_row_q8_0_ref, vectorised and bit-identical: the same max, d and 1/d in scalar float, the same
 * x * id products (no FMA), and roundf (half away from zero) built from truncation: t = trunc(v), plus
 * sign(v) when |v - t| >= 0.5 (v - t is exact). floor(|v| + 0.5) would round 0.49999997 up. */
AVX2 void k3k_quantize_row_q8_0_avx2(const float *x, void *vy, int64_t n) {
    block_q8_0 *y = vy;
    const __m256 sign_bit = _mm256_set1_ps(-0.0f), half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    for (int64_t i = 0; i < n / QK8_0; i++) {
        const float *xb = x + i * QK8_0;
        __m256 v[4], m = _mm256_setzero_ps();
        for (int k = 0; k < 4; k++) {
            v[k] = _mm256_loadu_ps(xb + 8 * k);
            m = _mm256_max_ps(m, _mm256_andnot_ps(sign_bit, v[k]));
        }
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        const float d = amax / ((1 << 7) - 1);
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = k3k_fp32_to_fp16(d);
        const __m256 idv = _mm256_set1_ps(id);
        __m256i q32[4];
        for (int k = 0; k < 4; k++) {
            const __m256 p = _mm256_mul_ps(v[k], idv);
            const __m256 t = _mm256_round_ps(p, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
            const __m256 frac = _mm256_andnot_ps(sign_bit, _mm256_sub_ps(p, t));
            const __m256 step = _mm256_or_ps(_mm256_and_ps(p, sign_bit), one);
            const __m256 r = _mm256_add_ps(t, _mm256_and_ps(_mm256_cmp_ps(frac, half, _CMP_GE_OQ), step));
            q32[k] = _mm256_cvtps_epi32(r);
        }
        /* pack 32 int32 -> 32 int8 in order (packs work per 128-bit lane: fix the order with a permute) */
        const __m256i w01 = _mm256_packs_epi32(q32[0], q32[1]), w23 = _mm256_packs_epi32(q32[2], q32[3]);
        const __m256i b = _mm256_packs_epi16(w01, w23);
        const __m256i ordered = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *) y[i].qs, ordered);
    }
}

AVX2 static void dot_q8_0_q8_0(int n, float *s, const void *vx, const void *vy) {
    const block_q8_0 *x = vx, *y = vy;
    const int nb = n / QK8_0;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 1 < nb; i += 2) {
        prefetch_ahead(&x[i], 2 * sizeof(x[i]));
        const __m256i p0 = dot_i8_i32(_mm256_loadu_si256((const __m256i *) x[i].qs), _mm256_loadu_si256((const __m256i *) y[i].qs));
        const __m256i p1 = dot_i8_i32(_mm256_loadu_si256((const __m256i *) x[i + 1].qs), _mm256_loadu_si256((const __m256i *) y[i + 1].qs));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * H2F(y[i].d)), _mm256_cvtepi32_ps(p0), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i + 1].d) * H2F(y[i + 1].d)), _mm256_cvtepi32_ps(p1), acc1);
    }
    for (; i < nb; i++) {
        const __m256i p0 = dot_i8_i32(_mm256_loadu_si256((const __m256i *) x[i].qs), _mm256_loadu_si256((const __m256i *) y[i].qs));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * H2F(y[i].d)), _mm256_cvtepi32_ps(p0), acc0);
    }
    *s = hsum_ps(_mm256_add_ps(acc0, acc1));
}

/* F16, BF16 and F32 dots: four float lanes of eight, summed in double. F32 rows are the MoE routers
 * (ffn_gate_inp): the generic dot's one double chain made them 3-4 % of a qwen3moe decode step. BF16 widens
 * exactly by a 16-bit shift. */
#define FLOAT_LANES_DOT(NAME, T, LD, TO_F)                                                                  \
    AVX2 static void NAME(int n, float *s, const void *vx, const void *vy) {                                \
        const T *x = vx, *y = vy;                                                                           \
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = a0;      \
        int i = 0;                                                                                          \
        for (; i + 32 <= n; i += 32) {                                                                      \
            prefetch_ahead(x + i, 32 * sizeof(T));                                                          \
            a0 = _mm256_fmadd_ps(LD(x + i), LD(y + i), a0);                                                 \
            a1 = _mm256_fmadd_ps(LD(x + i + 8), LD(y + i + 8), a1);                                         \
            a2 = _mm256_fmadd_ps(LD(x + i + 16), LD(y + i + 16), a2);                                       \
            a3 = _mm256_fmadd_ps(LD(x + i + 24), LD(y + i + 24), a3);                                       \
        }                                                                                                   \
        for (; i + 8 <= n; i += 8) a0 = _mm256_fmadd_ps(LD(x + i), LD(y + i), a0);                          \
        double sum = hsum_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));                  \
        for (; i < n; i++) sum += (double) (TO_F(x[i]) * TO_F(y[i]));                                       \
        *s = (float) sum;                                                                                   \
    }
#define LOAD_F16(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (p)))
#define LOAD_BF16(p) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *) (p))), 16))
#define AS_FLOAT(v) (v)
FLOAT_LANES_DOT(dot_f16, k3k_half, LOAD_F16, H2F)
FLOAT_LANES_DOT(dot_bf16, uint16_t, LOAD_BF16, k3k_bf16_to_fp32)
FLOAT_LANES_DOT(dot_f32, float, _mm256_loadu_ps, AS_FLOAT)
#undef LOAD_F16
#undef LOAD_BF16
#undef AS_FLOAT

AVX2 static void dot_q4_K_q8_K(int n, float *s, const void *vx, const void *vy) {
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
    for (int i = 0; i < n / QK_K; i++) {
        prefetch_ahead(&x[i], sizeof(x[i]));
        const __m256i mins_scales = k4_scales_mins16(x[i].scales);
        /* mins: each applies to two bsums (16 elements each) */
        const __m128i mins = _mm256_extracti128_si256(mins_scales, 1);
        const __m256i bsums = _mm256_loadu_si256((const __m256i *) y[i].bsums);
        const __m256i mins2 = _mm256_set_m128i(_mm_unpackhi_epi16(mins, mins), _mm_unpacklo_epi16(mins, mins));
        const __m256i prod = _mm256_madd_epi16(bsums, mins2);
        accm = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].dmin) * y[i].d), _mm256_cvtepi32_ps(prod), accm);
        /* the 8 scales as int16 in both lanes; a byte shuffle broadcasts scale k to all 16 lanes */
        const __m256i sc = _mm256_broadcastsi128_si256(_mm256_castsi256_si128(mins_scales));
        __m256i sumi = _mm256_setzero_si256();
        const uint8_t *q4 = x[i].qs;
        const int8_t *q8 = y[i].qs;
        for (int j = 0; j < QK_K / 64; j++) {
            const __m256i b = _mm256_loadu_si256((const __m256i *) (q4 + 32 * j));
            const __m256i lo = _mm256_and_si256(b, m4);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(b, 4), m4);
            const __m256i plo = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *) (q8 + 64 * j)));
            const __m256i phi = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *) (q8 + 64 * j + 32)));
            const __m256i s_lo = _mm256_shuffle_epi8(sc, _mm256_set1_epi16((short) (0x0100 + 0x0202 * (2 * j))));
            const __m256i s_hi = _mm256_shuffle_epi8(sc, _mm256_set1_epi16((short) (0x0100 + 0x0202 * (2 * j + 1))));
            sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(_mm256_madd_epi16(plo, s_lo), _mm256_madd_epi16(phi, s_hi)));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * y[i].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = hsum_ps(acc) - hsum_ps(accm);
}

AVX2 static void dot_q6_K_q8_K(int n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m3 = _mm256_set1_epi8(3), k32 = _mm256_set1_epi8(32);
    __m256 acc = _mm256_setzero_ps();
    for (int i = 0; i < n / QK_K; i++) {
        prefetch_ahead(&x[i], sizeof(x[i]));
        const uint8_t *ql = x[i].ql, *qh = x[i].qh;
        const int8_t *q8 = y[i].qs, *sc = x[i].scales;
        __m256i sumi = _mm256_setzero_si256();
        for (int half = 0; half < 2; half++) {
            const __m256i l0 = _mm256_loadu_si256((const __m256i *) ql);
            const __m256i l1 = _mm256_loadu_si256((const __m256i *) (ql + 32));
            const __m256i h = _mm256_loadu_si256((const __m256i *) qh);
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(h, m3), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2), m3), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 4), m3), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 6), m3), 4));
            for (int g = 0; g < 4; g++) {
                const __m256i y8 = _mm256_loadu_si256((const __m256i *) (q8 + 32 * g));
                const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(q[g], y8), _mm256_maddubs_epi16(k32, y8));
                const __m256i scales = _mm256_set_m128i(_mm_set1_epi16(sc[2 * g + 1]), _mm_set1_epi16(sc[2 * g]));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, scales));
            }
            ql += 64;
            qh += 32;
            q8 += 128;
            sc += 8;
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * y[i].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = hsum_ps(acc);
}

/* GELU rows: F16C's conversions round to nearest even as k3k_fp32_to_fp16 does, one instruction each
 * instead of the portable converter's branches (Gemma 4 E2B: 70 calls a decode step). Same bits. */
#define F16C_GELU(x) H2F(gelu[_cvtss_sh((x), 0)])
AVX2 static void gelu_rows(const float *gate, const float *up, float *out, int n) {
    const k3k_half *gelu = k3k_gelu_table();
    K3K_GELU_LOOP(F16C_GELU)
}

int k3k_install_x86_avx2(k3k_type_traits *t) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || !__builtin_cpu_supports("f16c")) return 0;
    k3k_install_x86_avx2_q4_0(t);
    k3k_install_x86_avx2_iq4(t);
    k3k_install_x86_avx2_legacy(t);
    k3k_install_x86_avx2_kquants(t);
    k3k_install_x86_avx2_kv(t);
    k3k_install_x86_avx2_gdn(t);
    k3k_install_x86_avx2_packed(t);
    k3k_install_x86_avx2_convert(t);
    t[K3K_Q8_0].dot = dot_q8_0_q8_0;
    t[K3K_Q8_0].from_float = k3k_quantize_row_q8_0_avx2;
    t[K3K_Q8_0].path = "avx2";
    t[K3K_F32].dot = dot_f32;
    t[K3K_F32].path = "avx2";
    t[K3K_F32].gelu_rows = gelu_rows;
    t[K3K_F32].act_path = "avx2";
    t[K3K_F16].dot = dot_f16;
    t[K3K_F16].path = "avx2";
    t[K3K_BF16].dot = dot_bf16;
    t[K3K_BF16].path = "avx2";
    t[K3K_Q4_K].dot = dot_q4_K_q8_K;
    t[K3K_Q4_K].path = "avx2";
    t[K3K_Q6_K].dot = dot_q6_K_q8_K;
    t[K3K_Q6_K].path = "avx2";
    return 1;
}

#else
int k3k_install_x86_avx2(k3k_type_traits *t) {
    (void) t;
    return 0;
}
#endif
