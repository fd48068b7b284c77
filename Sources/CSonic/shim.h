#ifndef WDF_CSONIC_SHIM_H
#define WDF_CSONIC_SHIM_H
/* libsonic-dev (Debian) ships sonic.h and libsonic.so but no pkg-config file. */
#include <sonic.h>
#endif
