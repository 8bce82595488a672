// libgd: JPEG decoding, drawing and FreeType text for figures.
#include <gd.h>
#include <gdfontl.h>
#include <gd_errors.h>
