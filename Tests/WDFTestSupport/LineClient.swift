import Glibc

/// The tests' one client of a line protocol on a Unix stream socket (the daemon's control
/// socket): send any bytes, read lines, each with the monotonic time it arrived. Blocking and
/// cheap, so that a crowd of threads can hold one each, and able to misbehave (send half a line,
/// never read). `ControlConnection` sorts its lines into replies and events.
package final class LineClient: @unchecked Sendable {   // used by one thread at a time
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        package init(_ d: String) { description = d }
    }

    package struct Line: Sendable {
        package var time: Double
        package var text: String
    }

    package let fd: Int32
    private var pending: [UInt8] = []
    /// Lines already read but not yet taken by `readLine`.
    private var ready: [Line] = []
    private var buffer = [UInt8](repeating: 0, count: 65536)

    /// The address of the socket at `path`.
    package static func address(_ path: String) throws -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw Failure("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return addr
    }

    /// Connects to `path` (blocking), leaving the socket non-blocking when `nonBlocking`.
    package init(path: String, nonBlocking: Bool = false) throws {
        var addr = try LineClient.address(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: \(String(cString: strerror(errno)))") }
        var rc: Int32 = -1
        repeat {
            rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        } while rc < 0 && errno == EINTR
        guard rc == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure("connect \(path): \(message)")
        }
        if nonBlocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        self.fd = fd
    }

    /// Takes over a connected socket (or the read end of a pipe, for reading).
    package init(adopting fd: Int32) {
        self.fd = fd
    }

    /// A connection to `path` made without blocking; nil when the listen queue is full (or the
    /// connection fails otherwise). The socket is blocking again when this returns.
    package static func connectWithoutWaiting(_ path: String) -> LineClient? {
        guard var addr = try? address(path) else { return nil }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            return nil
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return LineClient(adopting: fd)
    }

    deinit { close(fd) }

    /// Sends all of `bytes` (blocking).
    package func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure("send: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    package func sendLine(_ text: String) throws { try send(Array(text.utf8) + [0x0A]) }

    /// Waits up to `timeout` for something to read, reads once, and returns the lines that it
    /// completed (none when nothing came); nil when the peer has closed the connection (or reset
    /// it) and no complete line is left.
    package func receive(timeout: Double) throws -> [Line]? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let rc = poll(&pfd, 1, Int32(max(0, timeout * 1000)))
        if rc < 0, errno == EINTR { return [] }
        guard rc > 0 else { return [] }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n == 0 { return nil }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { return [] }
            if errno == ECONNRESET { return nil }
            throw Failure("read: \(String(cString: strerror(errno)))")
        }
        let now = Deadline.now()
        pending.append(contentsOf: buffer[0..<n])
        var lines: [Line] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            lines.append(Line(time: now, text: String(decoding: pending[..<newline], as: UTF8.self)))
            pending.removeSubrange(...newline)
        }
        return lines
    }

    /// The next line, or nil when the peer closed the connection (after everything it sent);
    /// throws after `timeout` seconds without one.
    package func readLine(timeout: Double) throws -> String? {
        let end = Deadline.now() + timeout
        while ready.isEmpty {
            let left = end - Deadline.now()
            guard left > 0 else { throw Failure("no line within \(timeout) s") }
            guard let lines = try receive(timeout: left + 0.001) else { return nil }
            ready.append(contentsOf: lines)
        }
        return ready.removeFirst().text
    }
}
