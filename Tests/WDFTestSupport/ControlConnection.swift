import Foundation

/// A raw connection to the daemon's control socket: send any bytes, read JSON lines. Replies and
/// events are told apart (events have an `event` key); both are kept with their arrival time.
final class ControlConnection: @unchecked Sendable {
    struct Message: Sendable {
        var time: Double
        var text: String
        var json: JSONValue
    }

    struct ConnectionError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    let path: String
    private let fd: Int32
    private var pending: [UInt8] = []
    private(set) var replies: [Message] = []
    private(set) var events: [Message] = []
    private var nextID = 1000

    init(path: String) throws {
        self.path = path
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw ConnectionError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ConnectionError("socket: \(String(cString: strerror(errno)))") }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ConnectionError("connect \(path): \(message)")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Sends `bytes` followed by a newline.
    func sendLine(_ bytes: [UInt8]) throws {
        try sendRaw(bytes + [0x0A])
    }

    /// Sends `bytes` as they are.
    func sendRaw(_ line: [UInt8]) throws {
        var offset = 0
        while offset < line.count {
            let n = line.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ConnectionError("send: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    func sendLine(_ text: String) throws { try sendLine(Array(text.utf8)) }

    /// Reads and files whatever lines arrive within `timeout` (at least one poll).
    private func pump(timeout: Double) throws {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let rc = poll(&pfd, 1, Int32(max(0, timeout * 1000)))
        if rc < 0, errno == EINTR { return }
        guard rc > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n == 0 { throw ConnectionError("the daemon closed the connection") }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            throw ConnectionError("recv: \(String(cString: strerror(errno)))")
        }
        let now = Deadline.now()
        pending.append(contentsOf: buffer[0..<n])
        while let newline = pending.firstIndex(of: 0x0A) {
            let text = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            let json = JSONValue(text: text) ?? JSONValue(nil)
            let message = Message(time: now, text: text, json: json)
            if json["event"].exists { events.append(message) } else { replies.append(message) }
        }
    }

    /// The next reply (not event), waiting up to `timeout`.
    func nextReply(timeout: Double = 5) throws -> Message {
        let end = Deadline.now() + timeout
        while replies.isEmpty {
            let left = end - Deadline.now()
            guard left > 0 else { throw ConnectionError("no reply within \(timeout) s") }
            try pump(timeout: min(left, 0.05))
        }
        return replies.removeFirst()
    }

    /// Sends `command` with `arguments` (JSON text of the rest of the object) and returns the reply.
    func request(_ command: String, _ arguments: String = "", timeout: Double = 5) throws -> Message {
        nextID += 1
        let extra = arguments.isEmpty ? "" : "," + arguments
        try sendLine("{\"id\":\(nextID),\"command\":\"\(command)\"\(extra)}")
        let reply = try nextReply(timeout: timeout)
        guard reply.json["id"].int == nextID else { throw ConnectionError("reply for another request: \(reply.text)") }
        return reply
    }

    /// The first event named `name` received after index `from` of `events`, waiting up to `timeout`.
    func awaitEvent(_ name: String, after from: Int = 0, timeout: Double,
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
