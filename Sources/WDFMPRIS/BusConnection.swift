import CSystemd
import Glibc
import WDFPlatform

/// One connection to the session bus: the only owner of its `sd_bus` and slots. It never blocks
/// and has no thread: whoever owns it polls `fd` for `events` with `pollTimeout` and calls
/// `process()` when that returns.
final class BusConnection {
    private var bus: OpaquePointer?
    private var slots: [OpaquePointer] = []
    private var tables: [BusVTable] = []
    private var objects: [BusObject] = []
    private var nameRequests: [NameRequest] = []

    /// The most messages one `process()` handles; the rest wait for the next turn of the loop
    /// (`pollTimeout` is then 0), so that a flood on the bus cannot starve the other clients.
    static let messagesPerTurn = 64

    /// Connects to `address` (a D-Bus address such as `unix:path=/run/user/1000/bus`), or, when
    /// nil, to the user's session bus as sd-bus finds it (`DBUS_SESSION_BUS_ADDRESS`, else
    /// `$XDG_RUNTIME_DIR/bus`). Authentication and `Hello` go on in `process()`.
    init(address: String?) throws(MPRISError) {
        var opened: OpaquePointer?
        if let address {
            try check(sd_bus_new(&opened), "sd_bus_new")
            bus = opened
            try check(sd_bus_set_address(opened, address), "sd_bus_set_address")
            try check(sd_bus_set_bus_client(opened, 1), "sd_bus_set_bus_client")
            let rc = sd_bus_start(opened)
            guard rc >= 0 else { throw .noSessionBus("\(MPRISText.bounded(address, limit: 200)): \(String(cString: strerror(-rc)))") }
        } else {
            let rc = sd_bus_open_user(&opened)
            guard rc >= 0 else {
                let reason = -rc == ENOMEDIUM ? "DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are not set" : String(cString: strerror(-rc))
                throw .noSessionBus(reason)
            }
            bus = opened
        }
    }

    deinit {
        for slot in slots { sd_bus_slot_unref(slot) }
        // Closed without flushing: a bus that does not read must not hold up the daemon.
        if let bus { sd_bus_close_unref(bus) }
        // The tables and objects go after the slots that point into them.
    }

    // MARK: the poll loop

    var fd: Int32 { bus.map { sd_bus_get_fd($0) } ?? -1 }

    var events: Int16 {
        guard let bus else { return 0 }
        let rc = sd_bus_get_events(bus)
        return rc < 0 ? Int16(POLLIN) : Int16(truncatingIfNeeded: rc)
    }

    /// Milliseconds until sd-bus has something to do without input (a call's reply timing out,
    /// messages already read and waiting: 0); -1 when nothing (an idle connection never wakes up).
    var pollTimeout: Int32 {
        guard let bus else { return -1 }
        var due: UInt64 = 0
        guard sd_bus_get_timeout(bus, &due) >= 0, due != UInt64.max else { return -1 }
        let nowMicroseconds = MonotonicClock.microseconds()
        guard due > nowMicroseconds else { return 0 }
        // Rounded up, so that the loop does not wake a little early and spin.
        let milliseconds = (due - nowMicroseconds + 999) / 1000
        return Int32(clamping: milliseconds)
    }

    /// Handles what arrived (at most `messagesPerTurn` messages); throws when the connection is
    /// gone (the bus exited, or closed it).
    func process() throws(MPRISError) {
        guard let bus else { throw .bus(call: "sd_bus_process", code: ENOTCONN) }
        for _ in 0..<BusConnection.messagesPerTurn {
            let rc = sd_bus_process(bus, nil)
            if rc < 0 { throw .bus(call: "sd_bus_process", code: -rc) }
            if rc == 0 { break }
        }
        if sd_bus_is_open(bus) <= 0 { throw .bus(call: "sd_bus_is_open", code: ECONNRESET) }
    }

    // MARK: serving

    /// Serves `interfaces` on the object at `path`; calls reach `handler`.
    func add(object path: String, interfaces: [BusInterface], handler: any BusObjectHandler) throws(MPRISError) {
        let object = BusObject(handler)
        objects.append(object)
        for interface in interfaces {
            let table = BusVTable(interface)
            tables.append(table)
            var slot: OpaquePointer?
            try check(sd_bus_add_object_vtable(bus, &slot, path, interface.name, table.entries,
                                               Unmanaged.passUnretained(object).toOpaque()),
                      "sd_bus_add_object_vtable \(interface.name)")
            if let slot { slots.append(slot) }
        }
    }

    /// Asks for the well-known `name` without queueing; `answer` gets the bus's reply code
    /// (1: ours; 3: another connection has it) or the error, later, from `process()`.
    func requestName(_ name: String, answer: @escaping (Result<UInt32, MPRISError>) -> Void) throws(MPRISError) {
        let request = NameRequest(answer)
        nameRequests.append(request)
        var slot: OpaquePointer?
        let callback: sd_bus_message_handler_t = { message, userdata, _ in
            guard let message, let userdata else { return 0 }
            let request = Unmanaged<NameRequest>.fromOpaque(userdata).takeUnretainedValue()
            if sd_bus_message_is_method_error(message, nil) > 0 {
                request.answer(.failure(.bus(call: "RequestName", code: max(1, sd_bus_message_get_errno(message)))))
            } else {
                do throws(MPRISError) {
                    request.answer(.success(try BusMessage(pointer: message).readUInt32()))
                } catch {
                    request.answer(.failure(error))
                }
            }
            return 1
        }
        try check(sd_bus_request_name_async(bus, &slot, name, 0, callback, Unmanaged.passUnretained(request).toOpaque()),
                  "sd_bus_request_name_async \(name)")
        if let slot { slots.append(slot) }
    }

    // MARK: calling

    /// Calls `member` of `interface` on `destination`'s object at `path` without waiting; `reply`
    /// gets the reply's first `u` (or the error) later, from `process()`, or after `timeout` µs.
    /// The call's slot is sd-bus's own (floating): nothing here grows with the number of calls.
    func call(destination: String, path: String, interface: String, member: String, _ arguments: [BusValue],
              timeout: UInt64 = 5_000_000, reply: @escaping (Result<UInt32, MPRISError>) -> Void) throws(MPRISError) {
        var message: OpaquePointer?
        try check(sd_bus_message_new_method_call(bus, &message, destination, path, interface, member),
                  "sd_bus_message_new_method_call \(member)")
        guard let message else { throw .bus(call: "sd_bus_message_new_method_call", code: ENOMEM) }
        defer { sd_bus_message_unref(message) }
        let writer = BusMessage(pointer: message)
        for argument in arguments { try writer.append(argument) }
        let callback: sd_bus_message_handler_t = { message, userdata, _ in
            guard let userdata else { return 0 }
            let request = Unmanaged<NameRequest>.fromOpaque(userdata).takeRetainedValue()
            guard let message else {
                request.answer(.failure(.bus(call: "reply", code: EIO)))
                return 0
            }
            if sd_bus_message_is_method_error(message, nil) > 0 {
                request.answer(.failure(.bus(call: "reply", code: max(1, sd_bus_message_get_errno(message)))))
            } else {
                do throws(MPRISError) {
                    request.answer(.success(try BusMessage(pointer: message).readUInt32()))
                } catch {
                    request.answer(.failure(error))
                }
            }
            return 1
        }
        // Retained until its answer (released in the callback).
        let userdata = Unmanaged.passRetained(NameRequest(reply)).toOpaque()
        let rc = sd_bus_call_async(bus, nil, message, callback, userdata, timeout)
        if rc < 0 { Unmanaged<NameRequest>.fromOpaque(userdata).release() }
        try check(rc, "sd_bus_call_async \(member)")
    }

    // MARK: signals

    /// `PropertiesChanged` for `names` of `interface` (their values are read from the handler).
    func emitPropertiesChanged(path: String, interface: String, names: [String]) throws(MPRISError) {
        guard !names.isEmpty else { return }
        var copies: [UnsafeMutablePointer<CChar>?] = names.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        copies.append(nil)
        let rc = copies.withUnsafeMutableBufferPointer {
            sd_bus_emit_properties_changed_strv(bus, path, interface, $0.baseAddress)
        }
        try check(rc, "sd_bus_emit_properties_changed_strv")
    }

    /// The signal `member` of `interface` from `path`, with one `x` argument.
    func emitSignal(path: String, interface: String, member: String, _ argument: Int64) throws(MPRISError) {
        var message: OpaquePointer?
        try check(sd_bus_message_new_signal(bus, &message, path, interface, member), "sd_bus_message_new_signal")
        guard let message else { throw .bus(call: "sd_bus_message_new_signal", code: ENOMEM) }
        defer { sd_bus_message_unref(message) }
        try BusMessage(pointer: message).append(.int64(argument))
        try check(sd_bus_send(bus, message, nil), "sd_bus_send \(member)")
    }
}

/// The userdata of a name request (its answer, until the connection goes) or of a call.
final class NameRequest {
    let answer: (Result<UInt32, MPRISError>) -> Void
    init(_ answer: @escaping (Result<UInt32, MPRISError>) -> Void) { self.answer = answer }
}
