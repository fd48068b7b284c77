import Foundation
import Testing
import WDFTestSupport

extension EndToEnd {
    /// Issue 5 ("never loses your place, never falls over"): the socket, the state file, signals,
    /// the sound server going away. Nested in `EndToEnd` (serialized, one sink), tests in
    /// Resilience*.swift; `swift test --filter Resilience` runs just these.
    @Suite struct Resilience {}
}

/// Helpers for the resilience tests: daemons the test owns (its own socket path or its own
/// sound server) and a few /proc readings. (Crowds of raw socket clients are `LineClient`s.)
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
