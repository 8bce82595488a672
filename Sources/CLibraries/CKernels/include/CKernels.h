// The engine's innermost loops for x86-64 CPUs with AVX2 and FMA, chosen at run time (see Kernels.c).
#ifndef TRANSFERLAB_CKERNELS_H
#define TRANSFERLAB_CKERNELS_H

#include <stddef.h>

/// The geometry of a depthwise convolution over NHWC input (the Swift engine's `WindowGeometry`).
typedef struct {
    long batch, height, width, channels;
    long kernelHeight, kernelWidth, stride, top, left;
    long outputHeight, outputWidth;
} TLDepthwiseGeometry;

/// 1 when this CPU runs AVX2 and FMA instructions (and the kernels below were compiled in), else 0.
int tl_has_avx2_fma(void);

/// Depthwise convolution forward for output rows [rowBegin, rowEnd) (row = image·outputHeight + oy):
/// y[row, ox, c] = clamp(bias[c] + Σ_taps x[...]·w[tap, c] + residual[row, ox, c]).
/// `weights` is [kh·kw, C]; `bias` and `residual` may be NULL; `clampToSix` applies min(max(·, 0), 6).
/// Only call when tl_has_avx2_fma() returned 1.
void tl_depthwise_forward_avx2(const float *input, const float *weights, const float *bias, const float *residual,
                               float *output, TLDepthwiseGeometry geometry, long rowBegin, long rowEnd,
                               int clampToSix);

/// Depthwise convolution filter gradient over output rows [rowBegin, rowEnd), added into `filterGradient`
/// [kh·kw, C]: dw[ky, kx, c] += Σ g[row, ox, c]·x[oy·s − top + ky, ox·s − left + kx, c] over taps inside the image.
/// Only call when tl_has_avx2_fma() returned 1.
void tl_depthwise_filter_gradient_avx2(const float *upstream, const float *input, float *filterGradient,
                                       TLDepthwiseGeometry geometry, long rowBegin, long rowEnd);

/// Floats of a packed 1x1 filter with `outputs` output and `inputs` input channels (see tl_pointwise_pack).
long tl_pointwise_packed_count(long outputs, long inputs);

/// Packs a 1x1 filter [outputs, inputs] (PyTorch's [O, C, 1, 1]) into panels of 16 output channels, [inputs][16]
/// each and zero-padded; a last panel of at most 8 channels is [inputs][8]. `packed` holds
/// tl_pointwise_packed_count floats. Portable C: any CPU may pack.
void tl_pointwise_pack(const float *filter, long outputs, long inputs, float *packed);

/// Packs the transpose of `filter` [inputs, outputs] (so the product has `outputs` output channels), as
/// tl_pointwise_pack would pack the transposed copy, without making it: for the input gradient dX = G·W of a 1x1
/// convolution with W [O, C], call it with inputs = O and outputs = C. Portable C.
void tl_pointwise_pack_transposed(const float *filter, long inputs, long outputs, float *packed);

/// The 1x1 convolution Y = clamp(X·Wᵀ + bias + residual) for rows [rowBegin, rowEnd) of X [rows, inputs] and
/// the 16-channel panels [panelBegin, panelEnd) of the packed filter; Y and the residual are [rows, outputs].
/// `bias` and `residual` may be NULL; `clampToSix` applies min(max(·, 0), 6). Only call when tl_has_avx2_fma()
/// returned 1.
void tl_pointwise_avx2(const float *input, const float *packed, const float *bias, const float *residual,
                       float *output, long inputs, long outputs, long rowBegin, long rowEnd, long panelBegin,
                       long panelEnd, int clampToSix);

/// y = x·a + b per channel (one fused multiply-add), clamped to [0, 6] when `clampToSix`, for rows
/// [rowBegin, rowEnd) of x and y [rows, c]; a, b [c]. Only call when tl_has_avx2_fma() returned 1.
void tl_affine_rows_avx2(const float *x, const float *a, const float *b, float *y, long c, long rowBegin,
                         long rowEnd, int clampToSix);

/// Per-channel sums over rows [rowBegin, rowEnd) of u (and v) [rows, c], added into `totals` [2c] (double):
/// totals[j] += Σ m·u, totals[c + j] += Σ (m·u − uShift)·(v − vShift) (only when v is given). m = 1, or, when
/// `maskA` is given, the ReLU6 mask 0 < v·maskA + maskB < 6 (as tl_affine_rows_avx2 computes it). Shifts may
/// be NULL (zero). `scratch` holds 2c floats. Only call when tl_has_avx2_fma() returned 1.
void tl_channel_sums_avx2(const float *u, const float *v, const float *uShift, const float *vShift,
                          const float *maskA, const float *maskB, long c, long rowBegin, long rowEnd,
                          float *scratch, double *totals);

/// Batch norm's input gradient for rows [rowBegin, rowEnd): dx = m·g·k + x·q + r per channel, with m the ReLU6
/// mask 0 < x·maskA + maskB < 6 when `maskA` is given (else 1); q, r (and x, when neither q nor the mask needs
/// it) may be NULL. Only call when tl_has_avx2_fma() returned 1.
void tl_batchnorm_backward_rows_avx2(const float *g, const float *x, const float *k, const float *q,
                                     const float *r, const float *maskA, const float *maskB, float *dx,
                                     long c, long rowBegin, long rowEnd);

#endif
