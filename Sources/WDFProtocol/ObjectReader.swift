import WDFCore

/// Reads the fields of one JSON object received from the daemon, by type. A field of the wrong
/// type, or a required one missing, is a `bad_reply` that names the field and the object; an
/// optional field that is absent or null is nil. Used by every reader of this module (clients).
struct ObjectReader {
    /// What the object is, for messages: "status", "episode", "chapter".
    let what: String
    let object: JSON

    init(_ json: JSON, _ what: String) throws(WireError) {
        guard case .object = json else {
            throw WireError("bad_reply", "The \(what) from wdfplayd is \(json.kindName), not an object.")
        }
        self.what = what
        object = json
    }

    func has(_ key: String) -> Bool { object[key] != nil }

    private func wrong(_ key: String, _ expected: String, _ value: JSON) -> WireError {
        WireError("bad_reply", "\"\(key)\" in the \(what) from wdfplayd must be \(expected), not \(value.kindName).")
    }

    private func missing(_ key: String) -> WireError {
        WireError("bad_reply", "The \(what) from wdfplayd has no \"\(key)\".")
    }

    /// The value of `key`, nil when absent or null.
    func value(_ key: String) -> JSON? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func optionalString(_ key: String) throws(WireError) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else { throw wrong(key, "a string", value) }
        return text
    }

    func string(_ key: String) throws(WireError) -> String {
        guard let text = try optionalString(key) else { throw missing(key) }
        return text
    }

    /// A finite number.
    func optionalDouble(_ key: String) throws(WireError) -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.doubleValue, number.isFinite else { throw wrong(key, "a number", value) }
        return number
    }

    func double(_ key: String) throws(WireError) -> Double {
        guard let number = try optionalDouble(key) else { throw missing(key) }
        return number
    }

    /// A whole number that fits in an Int (|n| < 9e15, as `JSON.intValue`).
    func optionalInt(_ key: String) throws(WireError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.intValue else { throw wrong(key, "a whole number", value) }
        return number
    }

    func int(_ key: String) throws(WireError) -> Int {
        guard let number = try optionalInt(key) else { throw missing(key) }
        return number
    }

    func optionalBool(_ key: String) throws(WireError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.boolValue else { throw wrong(key, "true or false", value) }
        return flag
    }

    func bool(_ key: String) throws(WireError) -> Bool {
        guard let flag = try optionalBool(key) else { throw missing(key) }
        return flag
    }

    /// An array (absent or null: empty), each element read by `read`.
    func array<T>(_ key: String, _ read: (JSON) throws(WireError) -> T) throws(WireError) -> [T] {
        guard let value = value(key) else { return [] }
        guard let items = value.arrayValue else { throw wrong(key, "an array", value) }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try read(item)) }
        return out
    }

    func optionalObject<T>(_ key: String, _ read: (JSON) throws(WireError) -> T) throws(WireError) -> T? {
        guard let value = value(key) else { return nil }
        return try read(value)
    }

    func object<T>(_ key: String, _ read: (JSON) throws(WireError) -> T) throws(WireError) -> T {
        guard let value = try optionalObject(key, read) else { throw missing(key) }
        return value
    }
}
