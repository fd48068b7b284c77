#ifndef WDF_CPULSE_SHIM_H
#define WDF_CPULSE_SHIM_H
#include <pulse/pulseaudio.h>
#endif
