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

#endif
