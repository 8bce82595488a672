// Batch normalization's per-channel passes with AVX2 + FMA, picked at run time (see Kernels.c).
//
// Training a BatchNorm + ReLU6 pair streams each activation several times: statistics, the normalized value,
// and in backward the per-channel sums and the input gradient. At batch 32 those activations are up to 154 MB,
// so the passes are bound by memory traffic. Two things cut it here:
// - the ReLU6 mask is recomputed from the input x (0 < x·a + b < 6, the same fused multiply-add as the forward
//   value) inside the passes that read x anyway, so no masked copy of the upstream gradient is written and read
//   back, and the backward pass needs neither the output y nor a mask buffer;
// - every pass is one read of its operands and at most one write, 8 channels per instruction.
// Sums accumulate blocks of 64 rows in a float scratch row, then add into double totals, as the portable Swift
// kernels do (BatchNormKernels.swift), so results do not depend on the row split.

#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <string.h>

#define TARGET __attribute__((target("avx2,fma")))

/// All lanes set where 0 < z < 6.
TARGET static inline __m256 insideZeroToSix(__m256 z) {
    return _mm256_and_ps(_mm256_cmp_ps(z, _mm256_setzero_ps(), _CMP_GT_OQ),
                         _mm256_cmp_ps(z, _mm256_set1_ps(6), _CMP_LT_OQ));
}

TARGET void tl_affine_rows_avx2(const float *x, const float *a, const float *b, float *y, long c, long rowBegin,
                                long rowEnd, int clampToSix) {
    const __m256 zero = _mm256_setzero_ps(), six = _mm256_set1_ps(6);
    for (long row = rowBegin; row < rowEnd; row++) {
        const float *xr = x + row * c;
        float *yr = y + row * c;
        long j = 0;
        for (; j + 8 <= c; j += 8) {
            __m256 z = _mm256_fmadd_ps(_mm256_loadu_ps(xr + j), _mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j));
            if (clampToSix) z = _mm256_min_ps(_mm256_max_ps(z, zero), six);
            _mm256_storeu_ps(yr + j, z);
        }
        for (; j < c; j++) {
            const float z = fmaf(xr[j], a[j], b[j]);
            yr[j] = clampToSix ? (z > 0 ? (z < 6 ? z : 6) : 0) : z;
        }
    }
}

TARGET void tl_channel_sums_avx2(const float *u, const float *v, const float *uShift, const float *vShift,
                                 const float *maskA, const float *maskB, long c, long rowBegin, long rowEnd,
                                 float *scratch, double *totals) {
    float *sumU = scratch, *sumUV = scratch + c;
    for (long start = rowBegin; start < rowEnd; start += 64) {
        const long end = start + 64 < rowEnd ? start + 64 : rowEnd;
        memset(scratch, 0, (size_t)(2 * c) * sizeof(float));
        for (long row = start; row < end; row++) {
            const float *ur = u + row * c, *vr = v ? v + row * c : 0;
            long j = 0;
            for (; j + 8 <= c; j += 8) {
                __m256 uu = _mm256_loadu_ps(ur + j);
                if (vr) {
                    const __m256 vv = _mm256_loadu_ps(vr + j);
                    if (maskA)
                        uu = _mm256_and_ps(uu, insideZeroToSix(_mm256_fmadd_ps(vv, _mm256_loadu_ps(maskA + j),
                                                                               _mm256_loadu_ps(maskB + j))));
                    const __m256 du = uShift ? _mm256_sub_ps(uu, _mm256_loadu_ps(uShift + j)) : uu;
                    const __m256 dv = vShift ? _mm256_sub_ps(vv, _mm256_loadu_ps(vShift + j)) : vv;
                    _mm256_storeu_ps(sumUV + j, _mm256_fmadd_ps(du, dv, _mm256_loadu_ps(sumUV + j)));
                }
                _mm256_storeu_ps(sumU + j, _mm256_add_ps(_mm256_loadu_ps(sumU + j), uu));
            }
            for (; j < c; j++) {
                float uu = ur[j];
                if (vr) {
                    const float vv = vr[j];
                    if (maskA) {
                        const float z = fmaf(vv, maskA[j], maskB[j]);
                        if (!(z > 0 && z < 6)) uu = 0;
                    }
                    sumUV[j] += (uu - (uShift ? uShift[j] : 0)) * (vv - (vShift ? vShift[j] : 0));
                }
                sumU[j] += uu;
            }
        }
        for (long j = 0; j < c; j++) {
            totals[j] += sumU[j];
            totals[c + j] += sumUV[j];
        }
    }
}

TARGET void tl_batchnorm_backward_rows_avx2(const float *g, const float *x, const float *k, const float *q,
                                            const float *r, const float *maskA, const float *maskB, float *dx,
                                            long c, long rowBegin, long rowEnd) {
    for (long row = rowBegin; row < rowEnd; row++) {
        const float *gr = g + row * c, *xr = x ? x + row * c : 0;
        float *out = dx + row * c;
        long j = 0;
        for (; j + 8 <= c; j += 8) {
            __m256 gg = _mm256_loadu_ps(gr + j);
            __m256 xx = xr ? _mm256_loadu_ps(xr + j) : _mm256_setzero_ps();
            if (maskA)
                gg = _mm256_and_ps(gg, insideZeroToSix(_mm256_fmadd_ps(xx, _mm256_loadu_ps(maskA + j),
                                                                       _mm256_loadu_ps(maskB + j))));
            __m256 sum = _mm256_mul_ps(gg, _mm256_loadu_ps(k + j));
            if (q) sum = _mm256_fmadd_ps(xx, _mm256_loadu_ps(q + j), sum);
            if (r) sum = _mm256_add_ps(sum, _mm256_loadu_ps(r + j));
            _mm256_storeu_ps(out + j, sum);
        }
        for (; j < c; j++) {
            float gg = gr[j];
            const float xx = xr ? xr[j] : 0;
            if (maskA) {
                const float z = fmaf(xx, maskA[j], maskB[j]);
                if (!(z > 0 && z < 6)) gg = 0;
            }
            float sum = gg * k[j];
            if (q) sum = fmaf(xx, q[j], sum);
            if (r) sum += r[j];
            out[j] = sum;
        }
    }
}

#else

void tl_affine_rows_avx2(const float *x, const float *a, const float *b, float *y, long c, long rowBegin,
                         long rowEnd, int clampToSix) {
    (void)x; (void)a; (void)b; (void)y; (void)c; (void)rowBegin; (void)rowEnd; (void)clampToSix;
}

void tl_channel_sums_avx2(const float *u, const float *v, const float *uShift, const float *vShift,
                          const float *maskA, const float *maskB, long c, long rowBegin, long rowEnd,
                          float *scratch, double *totals) {
    (void)u; (void)v; (void)uShift; (void)vShift; (void)maskA; (void)maskB; (void)c; (void)rowBegin;
    (void)rowEnd; (void)scratch; (void)totals;
}

void tl_batchnorm_backward_rows_avx2(const float *g, const float *x, const float *k, const float *q,
                                     const float *r, const float *maskA, const float *maskB, float *dx,
                                     long c, long rowBegin, long rowEnd) {
    (void)g; (void)x; (void)k; (void)q; (void)r; (void)maskA; (void)maskB; (void)dx; (void)c; (void)rowBegin;
    (void)rowEnd;
}

#endif
