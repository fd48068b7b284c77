import Foundation
import WDFTestSupport

/// A private session bus for one test (`dbus-daemon --session --nofork`, our child, ended by its
/// pid: the test runner kills what a command leaves in its process group, so a forked bus would
/// not outlive the command that started it); and the tools that drive MPRIS on it (`playerctl`,
/// `gdbus`, `dbus-monitor`), pointed at it and at nothing else.
final class SessionBus: @unchecked Sendable {
    let address: String
    let process: ChildProcess
    let scratch: URL

    static let playerctlPackage = "playerctl"
    static let dbusPackage = "dbus-daemon dbus libglib2.0-bin"

    /// A new bus whose socket lives in `scratch`; ready once the socket is there.
    static func start(scratch: URL) async throws -> SessionBus {
        let socket = scratch.appendingPathComponent("bus-\(UUID().uuidString.prefix(8))").path
        let process = try ChildProcess.spawn(
            try SoundServer.tool("dbus-daemon", package: dbusPackage),
            ["--session", "--nofork", "--nopidfile", "--address=unix:path=\(socket)"],
            environment: ProcessInfo.processInfo.environment)
        _ = try await Deadline.await("the session bus to listen on \(socket)", until: { _ in
            if let status = process.status { throw DaemonHarness.HarnessError("dbus-daemon exited with \(status)") }
            return FileManager.default.fileExists(atPath: socket) ? true : nil
        }, timeout: 10)
        return SessionBus(address: "unix:path=\(socket)", process: process, scratch: scratch)
    }

    private init(address: String, process: ChildProcess, scratch: URL) {
        self.address = address
        self.process = process
        self.scratch = scratch
    }

    deinit { end() }

    /// Ends the bus (SIGTERM to its pid); reaped when it has gone.
    func end() {
        process.signal(SIGTERM)
    }

    /// `environment` pointed at this bus.
    func environment(_ base: [String: String]) -> [String: String] {
        var env = base
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        return env
    }

    /// `playerctl ARGS` on this bus (`--player=wdfplay` unless the arguments name one).
    func playerctl(_ arguments: [String], timeout: Double = 10) async throws -> ChildProcess.Result {
        let named = arguments.contains { $0.hasPrefix("--player") || $0 == "-p" || $0 == "-l" || $0 == "--list-all" }
        return try await ChildProcess.run(
            URL(fileURLWithPath: try SoundServer.tool("playerctl", package: SessionBus.playerctlPackage)),
            (named ? [] : ["--player=wdfplay"]) + arguments,
            environment: environment(ProcessInfo.processInfo.environment), scratch: scratch, timeout: timeout)
    }

    /// `gdbus call` of a method (of the MPRIS Player interface unless `method` names another) on wdfplay.
    func call(_ method: String, _ arguments: [String] = [], timeout: Double = 10) async throws -> ChildProcess.Result {
        let qualified = method.contains(".") ? method : "org.mpris.MediaPlayer2.Player.\(method)"
        return try await ChildProcess.run(
            URL(fileURLWithPath: try SoundServer.tool("gdbus", package: SessionBus.dbusPackage)),
            ["call", "--session", "--dest", "org.mpris.MediaPlayer2.wdfplay", "--object-path", "/org/mpris/MediaPlayer2",
             "--method", qualified] + arguments,
            environment: environment(ProcessInfo.processInfo.environment), scratch: scratch, timeout: timeout)
    }

    /// `dbus-monitor` of the signals of the MPRIS object (Seeked, PropertiesChanged), and of
    /// what `rules` match, in its `--monitor` format (a message's arguments on the lines after it).
    func monitor(also rules: [String] = []) throws -> LineStream {
        try LineStream(
            URL(fileURLWithPath: try SoundServer.tool("dbus-monitor", package: SessionBus.dbusPackage)),
            ["--address", address, "--monitor", "type='signal',path='/org/mpris/MediaPlayer2'"] + rules,
            environment: ProcessInfo.processInfo.environment, scratch: scratch)
    }
}
