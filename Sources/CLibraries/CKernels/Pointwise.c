// The 1x1 (pointwise) convolution as a register-blocked matrix product with AVX2 + FMA, picked at run time.
//
// On NHWC activations a 1x1 convolution is Y[M, N] = X[M, K]·Wᵀ with M = images·pixels, K input channels and
// N output channels. OpenBLAS does this well in its inner kernel but, per call, packs both operands into its own
// layout and (with beta = 0) zeroes Y first; for Lite0's long thin products (K = 16…1152) that overhead and the
// separate bias / residual / ReLU6 pass over Y cost about as much as a quarter of the multiply-adds. Here:
// - the filter is packed once (`tl_pointwise_pack`) into panels of 16 output channels, [K][16] each, so one
//   k step of a panel is one cache line; a last panel of at most 8 channels is 8 wide;
// - X is read where it is: a tile of 6 rows broadcasts one scalar per row and k step, 12 accumulators of 8
//   lanes hold the 6×16 tile of Y (8-wide panels use 12 rows × 8);
// - bias, residual and ReLU6 are applied in registers before the tile's only store;
// - rows go in blocks sized so the block of X stays in L2 while every panel of the filter passes over it.

#include "CKernels.h"

#include <string.h>

long tl_pointwise_packed_count(long outputs, long inputs) {
    const long full = outputs / 16, rest = outputs % 16;
    return inputs * (16 * full + (rest == 0 ? 0 : rest <= 8 ? 8 : 16));
}

void tl_pointwise_pack(const float *filter, long outputs, long inputs, float *packed) {
    for (long first = 0; first < outputs; first += 16) {
        const long width = outputs - first <= 8 ? 8 : 16;
        float *panel = packed + first * inputs;
        for (long k = 0; k < inputs; k++)
            for (long j = 0; j < width; j++)
                panel[k * width + j] = first + j < outputs ? filter[(first + j) * inputs + k] : 0;
    }
}

void tl_pointwise_pack_transposed(const float *filter, long inputs, long outputs, float *packed) {
    // The filter of the product is Wᵀ [outputs][inputs] with W = `filter` [inputs][outputs]: W's rows are
    // already the panels' k steps, so W is read once, in order, and each row is dealt out 16 floats per panel.
    const long full = outputs / 16 * 16, rest = outputs - full, width = rest <= 8 ? 8 : 16;
    for (long k = 0; k < inputs; k++) {
        const float *row = filter + k * outputs;
        for (long first = 0; first < full; first += 16)
            memcpy(packed + first * inputs + k * 16, row + first, 16 * sizeof(float));
        if (rest == 0) continue;
        float *last = packed + full * inputs + k * width;
        for (long j = 0; j < width; j++) last[j] = j < rest ? row[full + j] : 0;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

/// Lanes [0, count) set: the mask for the valid output channels of a partial vector.
TARGET INLINE __m256i laneMask(long count) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), lanes);
}

/// Adds bias and residual to 8 accumulated channels, clamps, stores; `valid` < 8 masks the tail.
TARGET INLINE void store8(__m256 sum, const float *bias, const float *residual, float *out, long valid,
                          int clampToSix) {
    if (valid >= 8) {
        if (bias) sum = _mm256_add_ps(sum, _mm256_loadu_ps(bias));
        if (residual) sum = _mm256_add_ps(sum, _mm256_loadu_ps(residual));
        if (clampToSix) sum = _mm256_min_ps(_mm256_max_ps(sum, _mm256_setzero_ps()), _mm256_set1_ps(6));
        _mm256_storeu_ps(out, sum);
    } else if (valid > 0) {
        const __m256i mask = laneMask(valid);
        if (bias) sum = _mm256_add_ps(sum, _mm256_maskload_ps(bias, mask));
        if (residual) sum = _mm256_add_ps(sum, _mm256_maskload_ps(residual, mask));
        if (clampToSix) sum = _mm256_min_ps(_mm256_max_ps(sum, _mm256_setzero_ps()), _mm256_set1_ps(6));
        _mm256_maskstore_ps(out, mask, sum);
    }
}

/// The arguments every tile shares.
typedef struct {
    const float *x, *bias, *residual;
    float *y;
    long k, n;
    int clampToSix;
} Product;

/// Rows [row, row + rows) (rows ≤ 6) × the 16-wide panel at column `first`. Rows past the end read row `row`
/// again (a valid address) and are not stored.
TARGET INLINE void tile6x16(const Product *p, const float *panel, long row, long rows, long first) {
    const long k = p->k;
    const float *a0 = p->x + row * k;
    const float *a1 = rows > 1 ? a0 + k : a0, *a2 = rows > 2 ? a0 + 2 * k : a0, *a3 = rows > 3 ? a0 + 3 * k : a0;
    const float *a4 = rows > 4 ? a0 + 4 * k : a0, *a5 = rows > 5 ? a0 + 5 * k : a0;
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (long i = 0; i < k; i++) {
        const __m256 b0 = _mm256_loadu_ps(panel + 16 * i), b1 = _mm256_loadu_ps(panel + 16 * i + 8);
        __m256 a = _mm256_broadcast_ss(a0 + i);
        c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
        a = _mm256_broadcast_ss(a1 + i);
        c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
        a = _mm256_broadcast_ss(a2 + i);
        c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
        a = _mm256_broadcast_ss(a3 + i);
        c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
        a = _mm256_broadcast_ss(a4 + i);
        c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
        a = _mm256_broadcast_ss(a5 + i);
        c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
    }
    const __m256 sums[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    const long n = p->n, valid = n - first;
    const float *bias = p->bias ? p->bias + first : 0;
    for (long r = 0; r < rows; r++) {
        const long offset = (row + r) * n + first;
        const float *residual = p->residual ? p->residual + offset : 0;
        store8(sums[r][0], bias, residual, p->y + offset, valid, p->clampToSix);
        store8(sums[r][1], bias ? bias + 8 : 0, residual ? residual + 8 : 0, p->y + offset + 8, valid - 8,
               p->clampToSix);
    }
}

/// Rows [row, row + rows) (rows ≤ 12) × the 8-wide last panel at column `first`.
TARGET INLINE void tile12x8(const Product *p, const float *panel, long row, long rows, long first) {
    const long k = p->k;
    const float *a[12];
    for (long r = 0; r < 12; r++) a[r] = p->x + (row + (r < rows ? r : 0)) * k;
    __m256 c[12];
    for (long r = 0; r < 12; r++) c[r] = _mm256_setzero_ps();
    for (long i = 0; i < k; i++) {
        const __m256 b = _mm256_loadu_ps(panel + 8 * i);
        for (long r = 0; r < 12; r++) c[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(a[r] + i), b, c[r]);
    }
    const long n = p->n, valid = n - first;
    const float *bias = p->bias ? p->bias + first : 0;
    for (long r = 0; r < rows; r++) {
        const long offset = (row + r) * n + first;
        store8(c[r], bias, p->residual ? p->residual + offset : 0, p->y + offset, valid, p->clampToSix);
    }
}

TARGET void tl_pointwise_avx2(const float *input, const float *packed, const float *bias, const float *residual,
                             float *output, long inputs, long outputs, long rowBegin, long rowEnd, long panelBegin,
                             long panelEnd, int clampToSix) {
    const Product p = {input, bias, residual, output, inputs, outputs, clampToSix};
    const long panels = (outputs + 15) / 16;
    if (panelEnd > panels) panelEnd = panels;
    if (panelBegin >= panelEnd) return;
    const long lastFirst = (panelEnd - 1) * 16;
    const int narrowLast = outputs - lastFirst <= 8;
    if ((panelEnd - panelBegin) * 16 * inputs <= 24 * 1024) {
        // The panels fit in L1 (up to 96 KB): a few rows of X at a time meet all of them, so every row of Y is
        // written whole, once.
        for (long begin = rowBegin; begin < rowEnd; begin += 12) {
            const long end = begin + 12 < rowEnd ? begin + 12 : rowEnd;
            for (long panel = panelBegin; panel < panelEnd - narrowLast; panel++)
                for (long row = begin; row < end; row += 6)
                    tile6x16(&p, packed + panel * 16 * inputs, row, end - row < 6 ? end - row : 6, panel * 16);
            if (narrowLast) tile12x8(&p, packed + lastFirst * inputs, begin, end - begin, lastFirst);
        }
        return;
    }
    // Otherwise blocks of about 192 KB of X (half of L2), a multiple of 12 rows, each met by every panel in turn.
    long block = (192 * 1024 / 4) / (inputs > 0 ? inputs : 1);
    block = block < 12 ? 12 : block > 1200 ? 1200 : block / 12 * 12;
    for (long begin = rowBegin; begin < rowEnd; begin += block) {
        const long end = begin + block < rowEnd ? begin + block : rowEnd;
        for (long panel = panelBegin; panel < panelEnd - narrowLast; panel++)
            for (long row = begin; row < end; row += 6)
                tile6x16(&p, packed + panel * 16 * inputs, row, end - row < 6 ? end - row : 6, panel * 16);
        if (narrowLast)
            for (long row = begin; row < end; row += 12)
                tile12x8(&p, packed + lastFirst * inputs, row, end - row < 12 ? end - row : 12, lastFirst);
    }
}

#else

void tl_pointwise_avx2(const float *input, const float *packed, const float *bias, const float *residual,
                      float *output, long inputs, long outputs, long rowBegin, long rowEnd, long panelBegin,
                      long panelEnd, int clampToSix) {
    (void)input; (void)packed; (void)bias; (void)residual; (void)output; (void)inputs; (void)outputs;
    (void)rowBegin; (void)rowEnd; (void)panelBegin; (void)panelEnd; (void)clampToSix;
}

#endif

