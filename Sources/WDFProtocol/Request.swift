import WDFCore

/// One request line: the `id` to echo and the command, read once when the line arrives.
public struct Request: Sendable, Equatable {
    /// Any JSON value the client chose; `.null` when it sent none.
    public var id: JSON
    public var command: Command

    public init(id: JSON = .null, _ command: Command) {
        self.id = id
        self.command = command
    }

    /// A request that could not be read: the refusal, and the `id` to answer it with (the
    /// request's own when it could be read, else null).
    public struct Refusal: Error, Sendable, Equatable {
        public var id: JSON
        public var error: WireError

        public init(id: JSON, error: WireError) {
            self.id = id
            self.error = error
        }
    }

    /// The reader, from the bytes of one line (without its newline): the daemon's `bad_request`
    /// for a line that is not JSON (a duplicate key, a number too large for a double, nesting past
    /// 64 levels), not an object, or without a `command` string; then as `read(_ json:)`.
    public static func read(line: [UInt8]) throws(Refusal) -> Request {
        let json: JSON
        do {
            json = try JSONParser.parse(line)
        } catch {
            throw Refusal(id: .null, error: .badRequest("The request is not valid JSON: \(error)."))
        }
        return try read(json)
    }

    /// The reader, from a parsed line.
    public static func read(_ json: JSON) throws(Refusal) -> Request {
        guard case .object = json else {
            throw Refusal(id: .null, error: .badRequest("A request must be a JSON object."))
        }
        let id = json["id"] ?? .null
        guard let name = json["command"]?.stringValue, !name.isEmpty else {
            throw Refusal(id: id, error: .badRequest("The request has no \"command\" string."))
        }
        do {
            return Request(id: id, try Command.read(name: name, body: json))
        } catch {
            throw Refusal(id: id, error: error)
        }
    }

    /// The writer: `{"id":…,"command":NAME,…arguments}` (no `id` when it is null).
    public var json: JSON {
        var pairs: [(String, JSON)] = id.isNull ? [] : [("id", id)]
        pairs.append(("command", .string(command.name)))
        return .object(pairs + command.arguments)
    }
}
