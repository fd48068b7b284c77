#ifndef WDF_CSYSTEMD_SHIM_H
#define WDF_CSYSTEMD_SHIM_H
/* sd-bus (libsystemd) for the MPRIS service. Its object tables are built with C macros and its
   empty method reply is a variadic call, neither of which Swift can name: these wrappers are the
   only C here. Each vtable entry is written into a zeroed slot (sd-bus requires the unused part
   of the union to be zero in tables that do not live in static storage). */
#include <string.h>
#include <systemd/sd-bus.h>

static inline void wdf_bus_vtable_start(sd_bus_vtable *out) {
    const sd_bus_vtable made = SD_BUS_VTABLE_START(0);
    memset(out, 0, sizeof *out);
    out->type = made.type;
    out->flags = made.flags;
    out->x.start = made.x.start;
}

/* `names`: each argument's name followed by a NUL (what SD_BUS_PARAM makes), for introspection. */
static inline void wdf_bus_vtable_method(sd_bus_vtable *out, const char *member, const char *signature,
                                         const char *names, sd_bus_message_handler_t handler) {
    sd_bus_vtable made = SD_BUS_METHOD(member, signature, "", handler, 0);
    made.x.method.names = names;
    memset(out, 0, sizeof *out);
    out->type = made.type;
    out->flags = made.flags;
    out->x.method = made.x.method;
}

static inline void wdf_bus_vtable_signal(sd_bus_vtable *out, const char *member, const char *signature,
                                         const char *names) {
    sd_bus_vtable made = SD_BUS_SIGNAL(member, signature, 0);
    made.x.signal.names = names;
    memset(out, 0, sizeof *out);
    out->type = made.type;
    out->flags = made.flags;
    out->x.signal = made.x.signal;
}

/* How a property announces changes: 0 constant, 1 in PropertiesChanged, 2 never (Position). */
static inline uint64_t wdf_bus_property_flags(int changes) {
    switch (changes) {
    case 0: return SD_BUS_VTABLE_PROPERTY_CONST;
    case 1: return SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE;
    default: return 0;
    }
}

/* A read-only property when `set` is NULL, else a writable one. */
static inline void wdf_bus_vtable_property(sd_bus_vtable *out, const char *member, const char *signature,
                                           sd_bus_property_get_t get, sd_bus_property_set_t set, int changes) {
    const uint64_t flags = wdf_bus_property_flags(changes);
    const sd_bus_vtable made = set == NULL
        ? (sd_bus_vtable) SD_BUS_PROPERTY(member, signature, get, 0, flags)
        : (sd_bus_vtable) SD_BUS_WRITABLE_PROPERTY(member, signature, get, set, 0, flags);
    memset(out, 0, sizeof *out);
    out->type = made.type;
    out->flags = made.flags;
    out->x.property = made.x.property;
}

static inline void wdf_bus_vtable_end(sd_bus_vtable *out) {
    memset(out, 0, sizeof *out);
    out->type = _SD_BUS_VTABLE_END;
}

/* The empty reply to a method call (sd_bus_reply_method_return is variadic). */
static inline int wdf_bus_reply_empty(sd_bus_message *call) {
    return sd_bus_reply_method_return(call, NULL);
}
#endif
