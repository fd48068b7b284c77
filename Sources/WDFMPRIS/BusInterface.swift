/// A D-Bus interface as served: its methods, signals and properties with their signatures.
/// `BusVTable` turns it into sd-bus's table; calls reach the `BusObjectHandler`.
struct BusInterface {
    /// How a property tells clients that it changed.
    enum Changes: Int32 {
        /// Never changes (`SD_BUS_VTABLE_PROPERTY_CONST`).
        case constant = 0
        /// Announced with its value in `PropertiesChanged`.
        case emitted = 1
        /// Changes without being announced (MPRIS `Position`).
        case silent = 2
    }

    enum Member {
        /// `names`: one per argument, as introspection shows them.
        case method(String, signature: String, names: [String] = [])
        case signal(String, signature: String, names: [String] = [])
        case property(String, signature: String, writable: Bool, changes: Changes)
    }

    var name: String
    var members: [Member]

    /// The names of the properties announced in `PropertiesChanged`.
    var emittedProperties: Set<String> {
        Set(members.compactMap {
            if case let .property(name, _, _, .emitted) = $0 { return name }
            return nil
        })
    }
}

/// What serves the calls of an object's interfaces (on the connection's thread, from `process`).
/// A thrown `MPRISError` becomes the caller's D-Bus error.
protocol BusObjectHandler: AnyObject {
    /// A method call; its arguments are read from `message`. The empty reply is sent after it returns.
    func call(interface: String, member: String, message: BusMessage) throws(MPRISError)
    /// A property's value, appended to `reply` (its type as declared).
    func get(interface: String, property: String, reply: BusMessage) throws(MPRISError)
    /// A writable property set by a client; the value is read from `value`.
    func set(interface: String, property: String, value: BusMessage) throws(MPRISError)
}
