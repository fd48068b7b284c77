import Foundation
import Testing

extension EndToEnd {
    /// Issue 5 ("never loses your place, never falls over"): the socket, the state file, signals,
    /// the sound server going away. Nested in `EndToEnd` (serialized, one sink), tests in
    /// Resilience*.swift; `swift test --filter Resilience` runs just these.
    @Suite struct Resilience {}
}

/// Helpers for the resilience tests: daemons the test owns (its own socket path or its own
/// sound server), blocking raw socket clients for crowds, and a few /proc readings.
enum ResilienceKit {
    /// Starts `wdfplayd --socket SOCKET` as a child of the test (logging to the harness's daemon
    /// log), with `environment` (default: the harness's) changed by `overrides`.
    static func spawnDaemon(_ h: DaemonHarness, socket: String? = nil,
                            overrides: [String: String] = [:]) throws -> ChildProcess {
        var env = h.environment
        for (key, value) in overrides { env[key] = value }
        return try ChildProcess.spawn(h.binaries.wdfplayd.path, ["--socket", socket ?? h.socketPath], environment: env,
                                      stdout: .file(h.daemonLogFile.path), stderr: .file(h.daemonLogFile.path))
    }

    /// Waits until `ping` is answered on `socket` (and `daemon` still runs).
    static func awaitPing(_ h: DaemonHarness, socket: String, daemon: ChildProcess, timeout: Double = 10) async throws {
        _ = try await Deadline.await("wdfplayd to answer on \(socket)", until: { note in
            if let status = daemon.status {
                throw DaemonHarness.HarnessError("wdfplayd exited with \(status); log:\n\(h.daemonLog)")
            }
            do {
                let reply = try ControlConnection(path: socket).request("ping", timeout: 2)
                return reply.json["ok"].bool == true ? true : nil
            } catch {
                note("\(error)")
                return nil
            }
        }, timeout: timeout)
    }

    /// Runs `body` with a daemon of the test's own, stopped (SIGTERM, then SIGKILL) afterwards
    /// whatever happened.
    static func withDaemon(_ h: DaemonHarness, socket: String? = nil, overrides: [String: String] = [:],
                           _ body: (ChildProcess) async throws -> Void) async throws {
        let daemon = try spawnDaemon(h, socket: socket, overrides: overrides)
        do {
            try await awaitPing(h, socket: socket ?? h.socketPath, daemon: daemon)
            try await body(daemon)
        } catch {
            await daemon.stop(grace: 2)
            throw error
        }
        await daemon.stop(grace: 2)
    }

    /// The daemon's log lines that contain `text`.
    static func logLines(_ h: DaemonHarness, containing text: String) -> [String] {
        h.daemonLog.split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    /// Waits until the daemon's log has a line containing `text`; returns the lines that do.
    static func awaitLog(_ h: DaemonHarness, _ text: String, timeout: Double = 5) async throws -> [String] {
        try await Deadline.await("a daemon log line containing \"\(text)\"", until: { note in
            let lines = logLines(h, containing: text)
            note(h.daemonLog.split(separator: "\n").suffix(3).joined(separator: " | "))
            return lines.isEmpty ? nil : lines
        }, timeout: timeout, interval: 0.02)
    }

    /// CPU seconds (user + system) `pid` has used so far.
    static func cpuSeconds(_ pid: pid_t) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The peak resident size of `pid` (VmHWM in /proc/PID/status), as written there.
    static func peakRSS(_ pid: pid_t) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) }
    }

    /// The file's permission bits, or nil.
    static func mode(_ path: String) -> mode_t? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    static func stateDirectory(_ h: DaemonHarness) -> URL { h.stateHome.appendingPathComponent("wdfplay") }

    /// The position positions.json holds for `path` now (nil if unreadable or absent).
    static func savedPosition(_ h: DaemonHarness, _ path: String) -> Double? {
        guard let text = try? String(contentsOf: h.positionsFile, encoding: .utf8) else { return nil }
        return JSONValue(text: text)?["episodes"][path]["position"].double
    }

    /// Waits (up to `timeout`) until positions.json is valid JSON holding `position` (±0.1) for
    /// `path`; returns the file.
    static func awaitSaved(_ h: DaemonHarness, _ path: String, near position: Double, timeout: Double = 1) async throws -> JSONValue {
        try await Deadline.await("positions.json to hold \(position) for \(path)", until: { note in
            let text = (try? String(contentsOf: h.positionsFile, encoding: .utf8)) ?? "(unreadable)"
            note(text)
            guard let json = JSONValue(text: text), EndToEnd.near(json["episodes"][path]["position"].double, position, 0.1) else { return nil }
            return json
        }, timeout: timeout, interval: 0.01)
    }

    /// Names in the state directory starting with `prefix`.
    static func stateFiles(_ h: DaemonHarness, prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: stateDirectory(h).path)) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
    }
}

/// A blocking client of a Unix stream socket that reads lines: cheap enough for a crowd of
/// threads (one each), and able to misbehave (send half a line, never read).
final class RawClient: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    let fd: Int32
    private var pending: [UInt8] = []
    private var buffer = [UInt8](repeating: 0, count: 16384)

    /// The address of the socket at `path`.
    static func address(_ path: String) -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return addr
    }

    init(path: String, nonBlocking: Bool = false) throws {
        var addr = RawClient.address(path)
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

    /// Takes over a connected socket.
    init(adopting fd: Int32) {
        self.fd = fd
    }

    deinit { close(fd) }

    /// Sends all of `bytes` (blocking).
    func send(_ bytes: [UInt8]) throws {
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

    func sendLine(_ text: String) throws { try send(Array(text.utf8) + [0x0A]) }

    /// The next line, or nil when the peer closed the connection (after everything it sent);
    /// throws after `timeout` seconds without one.
    func readLine(timeout: Double) throws -> String? {
        let end = Deadline.now() + timeout
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let left = end - Deadline.now()
            guard left > 0 else { throw Failure("no line within \(timeout) s") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let rc = poll(&pfd, 1, Int32(left * 1000) + 1)
            if rc < 0, errno == EINTR { continue }
            guard rc > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return nil }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == ECONNRESET { return nil }
                throw Failure("recv: \(String(cString: strerror(errno)))")
            }
            pending.append(contentsOf: buffer[0..<n])
        }
    }
}

/// A value shared between threads, behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
