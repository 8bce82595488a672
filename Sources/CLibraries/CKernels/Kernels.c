// Depthwise convolution with AVX2 + FMA, picked at run time.
//
// Why C: the engine is built for baseline x86-64 (SSE2), where Swift's SIMD8<Float> becomes two 4-wide halves and
// a fused multiply-add a library call. Swift cannot compile one function for another instruction set, C can
// (`__attribute__((target("avx2,fma")))`), so the hottest kernel lives here and `tl_has_avx2_fma` decides at run
// time; other CPUs keep the portable Swift kernel (Depthwise.swift), which the tests compare this one against.
//
// The kernel: NHWC puts 8 channels in one register. Interior output pixels are done 4 at a time, so each weight
// vector is loaded once per 4 fused multiply-adds; border pixels (window clipped by the padding) one at a time.
// Bias, a residual sum and ReLU6 are applied in registers before the only store. The filter gradient sums
// g·x along output rows, two accumulators per 8 channels.

#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

int tl_has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

#define TARGET __attribute__((target("avx2,fma")))

/// Bias (or zero) for channels j..j+7.
TARGET static inline __m256 start(const float *bias, long j) {
    return bias ? _mm256_loadu_ps(bias + j) : _mm256_setzero_ps();
}

/// Residual and clamp, then the store.
TARGET static inline void finish(__m256 sum, const float *residual, float *out, int clampToSix) {
    if (residual) sum = _mm256_add_ps(sum, _mm256_loadu_ps(residual));
    if (clampToSix) sum = _mm256_min_ps(_mm256_max_ps(sum, _mm256_setzero_ps()), _mm256_set1_ps(6));
    _mm256_storeu_ps(out, sum);
}

static inline float finishScalar(float sum, const float *residual, int clampToSix) {
    if (residual) sum += *residual;
    if (clampToSix) sum = sum < 0 ? 0 : (sum > 6 ? 6 : sum);
    return sum;
}

/// One output pixel whose window may be clipped: taps ky in [ky0, ky1), kx in [kx0, kx1).
TARGET static void pixel(const float *window, const float *weights, const float *bias, const float *residual,
                         float *out, const TLDepthwiseGeometry *g, long ky0, long ky1, long kx0, long kx1,
                         int clampToSix) {
    const long c = g->channels, w = g->width, kw = g->kernelWidth;
    long j = 0;
    for (; j + 8 <= c; j += 8) {
        __m256 sum = start(bias, j);
        for (long ky = ky0; ky < ky1; ky++) {
            const float *xr = window + ky * w * c + j, *wr = weights + ky * kw * c + j;
            for (long kx = kx0; kx < kx1; kx++)
                sum = _mm256_fmadd_ps(_mm256_loadu_ps(xr + kx * c), _mm256_loadu_ps(wr + kx * c), sum);
        }
        finish(sum, residual ? residual + j : 0, out + j, clampToSix);
    }
    for (; j < c; j++) {
        float sum = bias ? bias[j] : 0;
        for (long ky = ky0; ky < ky1; ky++)
            for (long kx = kx0; kx < kx1; kx++) sum += window[(ky * w + kx) * c + j] * weights[(ky * kw + kx) * c + j];
        out[j] = finishScalar(sum, residual ? residual + j : 0, clampToSix);
    }
}

/// Four neighboring output pixels whose windows lie inside the image columns (rows clipped to [ky0, ky1)).
TARGET static void fourPixels(const float *window, const float *weights, const float *bias, const float *residual,
                              float *out, const TLDepthwiseGeometry *g, long ky0, long ky1, int clampToSix) {
    const long c = g->channels, w = g->width, kw = g->kernelWidth, step = g->stride * c;
    long j = 0;
    for (; j + 8 <= c; j += 8) {
        __m256 s0 = start(bias, j), s1 = s0, s2 = s0, s3 = s0;
        for (long ky = ky0; ky < ky1; ky++) {
            const float *xr = window + ky * w * c + j, *wr = weights + ky * kw * c + j;
            for (long kx = 0; kx < kw; kx++) {
                const __m256 wv = _mm256_loadu_ps(wr + kx * c);
                const float *xp = xr + kx * c;
                s0 = _mm256_fmadd_ps(_mm256_loadu_ps(xp), wv, s0);
                s1 = _mm256_fmadd_ps(_mm256_loadu_ps(xp + step), wv, s1);
                s2 = _mm256_fmadd_ps(_mm256_loadu_ps(xp + 2 * step), wv, s2);
                s3 = _mm256_fmadd_ps(_mm256_loadu_ps(xp + 3 * step), wv, s3);
            }
        }
        const float *r = residual ? residual + j : 0;
        finish(s0, r, out + j, clampToSix);
        finish(s1, r ? r + c : 0, out + c + j, clampToSix);
        finish(s2, r ? r + 2 * c : 0, out + 2 * c + j, clampToSix);
        finish(s3, r ? r + 3 * c : 0, out + 3 * c + j, clampToSix);
    }
    for (long p = 0; p < 4 && j < c; p++) {
        for (long jj = j; jj < c; jj++) {
            float sum = bias ? bias[jj] : 0;
            const float *wp = window + p * step;
            for (long ky = ky0; ky < ky1; ky++)
                for (long kx = 0; kx < kw; kx++) sum += wp[(ky * w + kx) * c + jj] * weights[(ky * kw + kx) * c + jj];
            out[p * c + jj] = finishScalar(sum, residual ? residual + p * c + jj : 0, clampToSix);
        }
    }
}

static inline long maxl(long a, long b) { return a > b ? a : b; }
static inline long minl(long a, long b) { return a < b ? a : b; }

TARGET void tl_depthwise_forward_avx2(const float *input, const float *weights, const float *bias,
                                      const float *residual, float *output, TLDepthwiseGeometry g, long rowBegin,
                                      long rowEnd, int clampToSix) {
    const long h = g.height, w = g.width, c = g.channels, kh = g.kernelHeight, kw = g.kernelWidth, s = g.stride;
    const long oh = g.outputHeight, ow = g.outputWidth;
    // Output columns whose whole window lies inside the image: 0 ≤ ox·s − left and ox·s − left + kw ≤ w.
    const long inLo = minl(ow, (g.left + s - 1) / s);
    const long inHi = maxl(inLo, minl(ow, w - kw + g.left >= 0 ? (w - kw + g.left) / s + 1 : 0));
    for (long row = rowBegin; row < rowEnd; row++) {
        const long image = row / oh, oy = row % oh, iy0 = oy * s - g.top;
        const long ky0 = maxl(0, -iy0), ky1 = maxl(ky0, minl(kh, h - iy0));
        const float *imageRow = input + ((image * h + iy0) * w) * c;
        float *out = output + row * ow * c;
        const float *res = residual ? residual + row * ow * c : 0;
        long ox = 0;
        for (; ox < ow; ox++) {
            const long ix0 = ox * s - g.left;
            if (ox >= inLo && ox + 4 <= inHi) {
                fourPixels(imageRow + ix0 * c, weights, bias, res ? res + ox * c : 0, out + ox * c, &g, ky0, ky1,
                           clampToSix);
                ox += 3;
                continue;
            }
            const long kx0 = maxl(0, -ix0), kx1 = maxl(kx0, minl(kw, w - ix0));
            pixel(imageRow + ix0 * c, weights, bias, res ? res + ox * c : 0, out + ox * c, &g, ky0, ky1, kx0, kx1,
                  clampToSix);
        }
    }
}

TARGET void tl_depthwise_filter_gradient_avx2(const float *upstream, const float *input, float *filterGradient,
                                              TLDepthwiseGeometry g, long rowBegin, long rowEnd) {
    const long h = g.height, w = g.width, c = g.channels, kh = g.kernelHeight, kw = g.kernelWidth, s = g.stride;
    const long oh = g.outputHeight, ow = g.outputWidth;
    for (long row = rowBegin; row < rowEnd; row++) {
        const long image = row / oh, oy = row % oh, iy0 = oy * s - g.top;
        const long ky0 = maxl(0, -iy0), ky1 = maxl(ky0, minl(kh, h - iy0));
        const float *gRow = upstream + row * ow * c;
        for (long ky = ky0; ky < ky1; ky++) {
            for (long kx = 0; kx < kw; kx++) {
                // Output columns whose tap kx lies inside the image: 0 ≤ ox·s − left + kx < w.
                const long first = maxl(0, (g.left - kx + s - 1) / s), last = w - 1 + g.left - kx;
                const long end = last < 0 ? first : maxl(first, minl(ow, last / s + 1));
                const float *xRow = input + ((image * h + iy0 + ky) * w - g.left + kx) * c;
                float *d = filterGradient + (ky * kw + kx) * c;
                long j = 0;
                for (; j + 8 <= c; j += 8) {
                    __m256 sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps();
                    long ox = first;
                    for (; ox + 2 <= end; ox += 2) {
                        sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(gRow + ox * c + j),
                                               _mm256_loadu_ps(xRow + ox * s * c + j), sum0);
                        sum1 = _mm256_fmadd_ps(_mm256_loadu_ps(gRow + (ox + 1) * c + j),
                                               _mm256_loadu_ps(xRow + (ox + 1) * s * c + j), sum1);
                    }
                    if (ox < end)
                        sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(gRow + ox * c + j),
                                               _mm256_loadu_ps(xRow + ox * s * c + j), sum0);
                    _mm256_storeu_ps(d + j, _mm256_add_ps(_mm256_loadu_ps(d + j), _mm256_add_ps(sum0, sum1)));
                }
                for (; j < c; j++)
                    for (long ox = first; ox < end; ox++) d[j] += gRow[ox * c + j] * xRow[ox * s * c + j];
            }
        }
    }
}

#else

int tl_has_avx2_fma(void) { return 0; }

void tl_depthwise_filter_gradient_avx2(const float *upstream, const float *input, float *filterGradient,
                                       TLDepthwiseGeometry geometry, long rowBegin, long rowEnd) {
    (void)upstream; (void)input; (void)filterGradient; (void)geometry; (void)rowBegin; (void)rowEnd;
}

void tl_depthwise_forward_avx2(const float *input, const float *weights, const float *bias, const float *residual,
                               float *output, TLDepthwiseGeometry geometry, long rowBegin, long rowEnd,
                               int clampToSix) {
    (void)input; (void)weights; (void)bias; (void)residual; (void)output; (void)geometry;
    (void)rowBegin; (void)rowEnd; (void)clampToSix;
}

#endif
