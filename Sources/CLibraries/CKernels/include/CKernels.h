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

/// The 1x1 convolution Y = clamp(X·Wᵀ + bias + residual) for rows [rowBegin, rowEnd) of X [rows, inputs] and
/// the 16-channel panels [panelBegin, panelEnd) of the packed filter; Y and the residual are [rows, outputs].
/// `bias` and `residual` may be NULL; `clampToSix` applies min(max(·, 0), 6). Only call when tl_has_avx2_fma()
/// returned 1.
void tl_pointwise_avx2(const float *input, const float *packed, const float *bias, const float *residual,
                       float *output, long inputs, long outputs, long rowBegin, long rowEnd, long panelBegin,
                       long panelEnd, int clampToSix);

#endif
