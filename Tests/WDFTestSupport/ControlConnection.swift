import Foundation

/// A raw connection to the daemon's control socket (a `LineClient`): send any bytes, read JSON
/// lines. Replies and events are told apart (events have an `event` key); both are kept with
/// their arrival time.
package final class ControlConnection: @unchecked Sendable {   // used by one task at a time
    package struct Message: Sendable {
        package var time: Double
        package var text: String
        package var json: JSONValue
    }

    package struct ConnectionError: Error, CustomStringConvertible {
        package var description: String
        package init(_ d: String) { description = d }
    }

    package let path: String
    private let client: LineClient
    package private(set) var replies: [Message] = []
    package private(set) var events: [Message] = []
    private var nextID = 1000

    package init(path: String) throws {
        self.path = path
        do {
            client = try LineClient(path: path)
        } catch {
            throw ConnectionError("\(error)")
        }
    }

    /// Sends `bytes` followed by a newline.
    package func sendLine(_ bytes: [UInt8]) throws {
        try sendRaw(bytes + [0x0A])
    }

    /// Sends `bytes` as they are.
    package func sendRaw(_ line: [UInt8]) throws {
        do {
            try client.send(line)
        } catch {
            throw ConnectionError("\(error)")
        }
    }

    package func sendLine(_ text: String) throws { try sendLine(Array(text.utf8)) }

    /// Reads and files whatever lines arrive within `timeout` (at least one poll).
    private func pump(timeout: Double) throws {
        let received: [LineClient.Line]?
        do {
            received = try client.receive(timeout: timeout)
        } catch {
            throw ConnectionError("\(error)")
        }
        guard let lines = received else { throw ConnectionError("the daemon closed the connection") }
        for line in lines {
            let json = JSONValue(text: line.text) ?? JSONValue(nil)
            let message = Message(time: line.time, text: line.text, json: json)
            if json["event"].exists { events.append(message) } else { replies.append(message) }
        }
    }

    /// The next reply (not event), waiting up to `timeout`.
    package func nextReply(timeout: Double = 5) throws -> Message {
        let end = Deadline.now() + timeout
        while replies.isEmpty {
            let left = end - Deadline.now()
            guard left > 0 else { throw ConnectionError("no reply within \(timeout) s") }
            try pump(timeout: min(left, 0.05))
        }
        return replies.removeFirst()
    }

    /// Sends `command` with `arguments` (JSON text of the rest of the object) and returns the reply.
    package func request(_ command: String, _ arguments: String = "", timeout: Double = 5) throws -> Message {
        nextID += 1
        let extra = arguments.isEmpty ? "" : "," + arguments
        try sendLine("{\"id\":\(nextID),\"command\":\"\(command)\"\(extra)}")
        let reply = try nextReply(timeout: timeout)
        guard reply.json["id"].int == nextID else { throw ConnectionError("reply for another request: \(reply.text)") }
        return reply
    }

    /// The first event named `name` received after index `from` of `events`, waiting up to `timeout`.
    package func awaitEvent(_ name: String, after from: Int = 0, timeout: Double,
                    where match: (Message) -> Bool = { _ in true }) async throws -> (index: Int, message: Message) {
        try await Deadline.await("event \"\(name)\"", until: { note in
            try self.pump(timeout: 0)
            note(self.events.suffix(4).map(\.text).joined(separator: " | "))
            guard self.events.count > from else { return nil }
            for i in from..<self.events.count where self.events[i].json["event"].string == name && match(self.events[i]) {
                return (i, self.events[i])
            }
            return nil
        }, timeout: timeout, interval: 0.005)
    }
}
