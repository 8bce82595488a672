// Only libpng's simplified png_image_* API is used: the classic API reports errors with longjmp.
#include <png.h>
