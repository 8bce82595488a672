// Imaging — pictures in and out.
//
// Job: the `Image` value type (HWC Float pixels in [0, 1]), PNG/JPEG decoding (libpng's simplified API, libgd
// with an error handler), PNG encoding, Pillow-exact resizing and crops. It may import the libpng and libgd shims
// only: no tensors.
