#ifndef WDF_CLINUX_SHIM_H
#define WDF_CLINUX_SHIM_H
/* Linux interfaces that Swift's Glibc module leaves out: eventfd, signalfd, malloc_trim, inotify;
   and stdout, which Swift 6 cannot name. */
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <malloc.h>
#include <sys/inotify.h>
#include <stdio.h>

/* Flushes stdout; -1 when that or an earlier write to it failed (Swift 6 cannot name `stdout`). */
static inline int wdf_flush_stdout(void) {
    int rc = fflush(stdout);
    return (rc != 0 || ferror(stdout)) ? -1 : 0;
}
#endif
