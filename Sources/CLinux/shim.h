#ifndef WDF_CLINUX_SHIM_H
#define WDF_CLINUX_SHIM_H
/* Linux interfaces that Swift's Glibc module leaves out: eventfd, signalfd, malloc_trim, inotify. */
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <malloc.h>
#include <sys/inotify.h>
#endif
