#ifndef WDF_CEBUR128_SHIM_H
#define WDF_CEBUR128_SHIM_H
#include <stddef.h>
#include <ebur128.h>
#endif
