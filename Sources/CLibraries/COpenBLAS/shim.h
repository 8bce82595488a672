// OpenBLAS's CBLAS interface. Debian installs it under openblas-pthread/, which pkg-config adds.
#include <cblas.h>
