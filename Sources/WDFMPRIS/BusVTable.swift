import CSystemd
import Glibc

/// sd-bus's table for one interface, in memory that lives as long as its slot (sd-bus keeps
/// pointers into it and to its names), with the C callbacks that lead to the `BusObjectHandler`.
final class BusVTable {
    let interface: String
    let entries: UnsafeMutablePointer<sd_bus_vtable>
    private var names: [UnsafeMutablePointer<CChar>] = []

    init(_ description: BusInterface) {
        interface = description.name
        entries = .allocate(capacity: description.members.count + 2)
        wdf_bus_vtable_start(entries)
        for (offset, member) in description.members.enumerated() {
            let slot = entries + offset + 1
            switch member {
            case let .method(name, signature, arguments):
                wdf_bus_vtable_method(slot, keep(name), keep(signature), keep(arguments), BusVTable.method)
            case let .signal(name, signature, arguments):
                wdf_bus_vtable_signal(slot, keep(name), keep(signature), keep(arguments))
            case let .property(name, signature, writable, changes):
                wdf_bus_vtable_property(slot, keep(name), keep(signature), BusVTable.get,
                                        writable ? BusVTable.set : nil, changes.rawValue)
            }
        }
        wdf_bus_vtable_end(entries + description.members.count + 1)
    }

    deinit {
        entries.deallocate()
        for name in names { free(name) }
    }

    /// A C copy of `text` that lives as long as the table.
    private func keep(_ text: String) -> UnsafePointer<CChar> {
        keep(bytes: Array(text.utf8) + [0])
    }

    /// Argument names as sd-bus reads them: each followed by a NUL, then a final NUL.
    private func keep(_ arguments: [String]) -> UnsafePointer<CChar> {
        keep(bytes: arguments.flatMap { Array($0.utf8) + [0] } + [0])
    }

    private func keep(bytes: [UInt8]) -> UnsafePointer<CChar> {
        guard let copy = malloc(bytes.count)?.assumingMemoryBound(to: CChar.self) else {
            fatalError("out of memory copying a D-Bus name")
        }
        for (i, byte) in bytes.enumerated() { copy[i] = CChar(bitPattern: byte) }
        names.append(copy)
        return UnsafePointer(copy)
    }

    // MARK: the C callbacks (userdata: the unretained BusObject of the connection)

    private static let method: sd_bus_message_handler_t = { message, userdata, busError in
        guard let message, let handler = BusObject.handler(userdata) else { return -EINVAL }
        let interface = sd_bus_message_get_interface(message).map { String(cString: $0) } ?? ""
        let member = sd_bus_message_get_member(message).map { String(cString: $0) } ?? ""
        do throws(MPRISError) {
            try handler.call(interface: interface, member: member, message: BusMessage(pointer: message))
        } catch {
            return BusVTable.fail(error, busError)
        }
        let rc = wdf_bus_reply_empty(message)
        return rc < 0 ? rc : 1
    }

    private static let get: sd_bus_property_get_t = { _, _, interface, property, reply, userdata, busError in
        guard let interface, let property, let reply, let handler = BusObject.handler(userdata) else { return -EINVAL }
        do throws(MPRISError) {
            try handler.get(interface: String(cString: interface), property: String(cString: property),
                            reply: BusMessage(pointer: reply))
        } catch {
            return BusVTable.fail(error, busError)
        }
        return 0
    }

    private static let set: sd_bus_property_set_t = { _, _, interface, property, value, userdata, busError in
        guard let interface, let property, let value, let handler = BusObject.handler(userdata) else { return -EINVAL }
        do throws(MPRISError) {
            try handler.set(interface: String(cString: interface), property: String(cString: property),
                            value: BusMessage(pointer: value))
        } catch {
            return BusVTable.fail(error, busError)
        }
        return 0
    }

    /// Fills the caller's error (its name and sentence) and returns the errno sd-bus expects.
    private static func fail(_ failure: MPRISError, _ busError: UnsafeMutablePointer<sd_bus_error>?) -> Int32 {
        let rc = sd_bus_error_set(busError, failure.busErrorName, MPRISText.bounded(failure.description, limit: 512))
        return rc < 0 ? rc : -EINVAL
    }
}

/// The userdata of an object's tables: leads the C callbacks back to the handler without keeping
/// it alive.
final class BusObject {
    weak var handler: (any BusObjectHandler)?

    init(_ handler: any BusObjectHandler) { self.handler = handler }

    static func handler(_ userdata: UnsafeMutableRawPointer?) -> (any BusObjectHandler)? {
        guard let userdata else { return nil }
        return Unmanaged<BusObject>.fromOpaque(userdata).takeUnretainedValue().handler
    }
}
