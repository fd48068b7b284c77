/// A value to append to a D-Bus message, as MPRIS needs them (`Metadata` is a dictionary of these
/// in variants).
indirect enum BusValue: Equatable {
    case string(String)
    case objectPath(String)
    case int64(Int64)
    case int32(Int32)
    case uint32(UInt32)
    case double(Double)
    case bool(Bool)
    case strings([String])
    /// `a{sv}`: keys in this order.
    case dictionary([BusEntry])

    /// The D-Bus signature of the value.
    var signature: String {
        switch self {
        case .string: "s"
        case .objectPath: "o"
        case .int64: "x"
        case .int32: "i"
        case .uint32: "u"
        case .double: "d"
        case .bool: "b"
        case .strings: "as"
        case .dictionary: "a{sv}"
        }
    }
}

/// One key of an `a{sv}` dictionary.
struct BusEntry: Equatable {
    var key: String
    var value: BusValue

    init(_ key: String, _ value: BusValue) {
        self.key = key
        self.value = value
    }
}
