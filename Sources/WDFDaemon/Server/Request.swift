import WDFCore

/// One parsed request line: `id` to echo, `command`, and named arguments checked here once so
/// that handlers stay short.
struct Request {
    let id: JSON
    let command: String
    let body: JSON

    init(_ json: JSON) throws(WireError) {
        guard case .object = json else { throw .badRequest("A request must be a JSON object.") }
        id = json["id"] ?? .null
        guard let command = json["command"]?.stringValue, !command.isEmpty else {
            throw .badRequest("The request has no \"command\" string.")
        }
        self.command = command
        body = json
    }

    private init(id: JSON, command: String, body: JSON) {
        self.id = id
        self.command = command
        self.body = body
    }

    /// The same request with no arguments (a `resume` that becomes a `play` of the last episode).
    func withoutArguments() -> Request {
        Request(id: id, command: command, body: ["id": id, "command": .string(command)])
    }

    func has(_ key: String) -> Bool { !(body[key]?.isNull ?? true) }

    func number(_ key: String) throws(WireError) -> Double? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let n = value.doubleValue, n.isFinite else {
            throw .badArgument("\"\(key)\" must be a number of seconds, not \(value.kindName).")
        }
        // Every number argument is a time; past this it is no time in an episode (and would
        // overflow the frame arithmetic).
        guard abs(n) <= MediaTime.maximum else {
            throw .badArgument("\"\(key)\" must be at most \(Int(MediaTime.maximum)) seconds either way, not \(value.serialized).")
        }
        return n
    }

    func integer(_ key: String) throws(WireError) -> Int? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let n = value.intValue else { throw .badArgument("\"\(key)\" must be a whole number, not \(value.serialized).") }
        return n
    }

    func string(_ key: String) throws(WireError) -> String? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let s = value.stringValue else { throw .badArgument("\"\(key)\" must be a string, not \(value.kindName).") }
        return s
    }

    func bool(_ key: String) throws(WireError) -> Bool? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let b = value.boolValue else { throw .badArgument("\"\(key)\" must be true or false, not \(value.kindName).") }
        return b
    }
}
