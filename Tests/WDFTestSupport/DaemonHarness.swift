import Foundation

/// One test's world: its own HOME, XDG state and config folders, control socket and recorder,
/// sharing the process's sound server of the kind it asks for (PulseAudio unless told). Use
/// `DaemonHarness.run`, which always tears down (the daemon is asked to quit, then killed by pid
/// if it is still there).
package final class DaemonHarness: @unchecked Sendable {
    package let name: String
    package let server: SoundServer
    package let binaries: Binaries
    package let directory: URL
    package let home: URL
    package let stateHome: URL
    package let configHome: URL
    package let socketPath: String
    package let environment: [String: String]
    package let recorder: Recorder
    private let lock = NSLock()
    private var daemons: [ChildProcess] = []
    private var streams: [LineStream] = []

    package var configFile: URL { configHome.appendingPathComponent("wdfplay/config.toml") }
    package var positionsFile: URL { stateHome.appendingPathComponent("wdfplay/positions.json") }
    /// Where a daemon started by the harness logs.
    package var daemonLogFile: URL { directory.appendingPathComponent("wdfplayd.log") }
    /// Where a daemon started by `wdfplay` logs.
    package var autoStartedLogFile: URL { stateHome.appendingPathComponent("wdfplay/wdfplayd.log") }

    /// Runs `body` in a fresh harness on the shared `server` (with a config file when `config` is
    /// given, and a daemon started by the harness when `startDaemon`), then tears it down
    /// whatever happened. Its folder is named `name`, with `-KIND` added for a server other than
    /// PulseAudio.
    package static func run(_ name: String, server: SoundServer.Kind = .pulseaudio, config: String? = nil, startDaemon: Bool = true,
                    _ body: (DaemonHarness) async throws -> Void) async throws {
        let harness = try await DaemonHarness(name: server == .pulseaudio ? name : "\(name)-\(server.rawValue)", kind: server)
        do {
            if let config { try harness.writeConfig(config) }
            if startDaemon { try await harness.startDaemon() }
            try await body(harness)
        } catch {
            harness.report(error)
            await harness.tearDown()
            throw error
        }
        await harness.tearDown()
    }

    private init(name: String, kind: SoundServer.Kind) async throws {
        self.name = name
        server = try await SoundServer.shared(kind)
        binaries = try Binaries.locate()
        let fm = FileManager.default
        directory = server.root.appendingPathComponent(name)
        try? fm.removeItem(at: directory)
        home = directory.appendingPathComponent("home")
        stateHome = directory.appendingPathComponent("state")
        configHome = directory.appendingPathComponent("config")
        for dir in [home, stateHome, configHome] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        socketPath = directory.appendingPathComponent("ctl.sock").path
        var env = server.clientEnvironment
        for key in env.keys where key.hasPrefix("WDFPLAY_") || key.hasPrefix("XDG_") { env[key] = nil }
        env["HOME"] = home.path
        env["XDG_RUNTIME_DIR"] = server.runtimeDirectory.path
        env["XDG_STATE_HOME"] = stateHome.path
        env["XDG_CONFIG_HOME"] = configHome.path
        env["XDG_CACHE_HOME"] = directory.appendingPathComponent("cache").path
        env["WDFPLAY_SOCKET"] = socketPath
        // No session bus unless a test brings its own (`SessionBus`): a daemon under test must
        // not show up on the desktop of whoever runs the tests.
        env["DBUS_SESSION_BUS_ADDRESS"] = nil
        environment = env
        recorder = try Recorder(server: server, scratch: directory)
        try await recorder.start()
    }

    package func writeConfig(_ text: String) throws {
        try FileManager.default.createDirectory(at: configFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: configFile, atomically: true, encoding: .utf8)
    }

    // MARK: daemon

    package struct HarnessError: Error, CustomStringConvertible {
        package var description: String
        package init(_ d: String) { description = d }
    }

    /// Starts `wdfplayd --socket P` as our child (with `extra` added to its environment) and
    /// waits until it answers `ping`.
    @discardableResult
    package func startDaemon(environment extra: [String: String] = [:]) async throws -> ChildProcess {
        let process = try ChildProcess.spawn(binaries.wdfplayd.path, ["--socket", socketPath],
                                             environment: environment.merging(extra) { $1 },
                                             stdout: .file(daemonLogFile.path), stderr: .file(daemonLogFile.path))
        lock.withLock { daemons.append(process) }
        try await awaitAnswering(daemon: process)
        return process
    }

    /// Waits until something answers `ping` on the socket (and, if given, `daemon` is alive).
    package func awaitAnswering(daemon: ChildProcess? = nil, timeout: Double = 10) async throws {
        _ = try await Deadline.await("wdfplayd to answer on \(socketPath)", until: { note in
            if let status = daemon?.status {
                throw HarnessError("wdfplayd exited with \(status) before listening; log:\n\(self.daemonLog)")
            }
            do {
                let reply = try ControlConnection(path: self.socketPath).request("ping", timeout: 2)
                return reply.json["ok"].bool == true ? true : nil
            } catch {
                note("\(error)")
                return nil
            }
        }, timeout: timeout)
    }

    /// Pids of wdfplayd processes serving this test's socket (whoever started them).
    package func daemonPids() async throws -> [Int32] {
        let result = try await ChildProcess.run(URL(fileURLWithPath: try SoundServer.tool("pgrep", package: "procps")), ["-f", "--", socketPath],
                                                environment: environment, scratch: directory)
        let pids = result.stdout.split(separator: "\n").compactMap { Int32($0) }.filter { pid in
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            return comm.trimmingCharacters(in: .whitespacesAndNewlines) == "wdfplayd"
        }
        // Daemons started by wdfplay are not our children: list them so that they cannot outlive
        // the test process either (`awaitExit` takes them off the list).
        for pid in pids { Reaper.shared.register(pid) }
        return pids
    }

    package static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // A zombie is dead too.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return false }
        guard stat[close...].hasPrefix(") Z") else { return true }
        // A zombie leader whose other threads are still exiting still holds the process's
        // descriptors (its listening socket among them): dead only once it is alone.
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.count ?? 0
        return tasks > 1
    }

    /// Waits until `pid` has exited.
    package func awaitExit(_ pid: Int32, timeout: Double) async throws {
        _ = try await Deadline.await("process \(pid) to exit", until: { _ in DaemonHarness.isAlive(pid) ? nil : true },
                                     timeout: timeout)
        Reaper.shared.unregister(pid)
    }

    /// Sends SIGKILL (or `signal`) to every daemon on this socket and waits until they are gone.
    package func killDaemons(signal: Int32 = SIGKILL) async throws {
        for pid in try await daemonPids() {
            kill(pid, signal)
            try await awaitExit(pid, timeout: 5)
        }
        for process in lock.withLock({ daemons }) { _ = process.status }  // reap
    }

    /// `wdfctl quit`, then waits for the daemon to exit (killing it after 5 s).
    package func quitDaemon() async throws {
        let pids = try await daemonPids()
        let result = try await ctl(["quit"])
        var stragglers: [Int32] = []
        for pid in pids {
            do { try await awaitExit(pid, timeout: 5) } catch { stragglers.append(pid) }
        }
        for pid in stragglers { kill(pid, SIGKILL) }
        try await killDaemons()
        if result.status != 0 { throw HarnessError("\(result)") }
        if !stragglers.isEmpty { throw HarnessError("wdfplayd \(stragglers) did not exit within 5 s of `wdfctl quit`; killed") }
    }

    package func tearDown() async {
        let followers = lock.withLock {
            defer { streams = [] }
            return streams
        }
        for stream in followers { await stream.stop() }
        if (try? await daemonPids())?.isEmpty == false {
            _ = try? await ChildProcess.run(binaries.wdfctl, ["quit"], environment: environment, scratch: directory, timeout: 5)
        }
        for pid in (try? await daemonPids()) ?? [] {
            if (try? await awaitExit(pid, timeout: 3)) == nil {
                kill(pid, SIGKILL)
                try? await awaitExit(pid, timeout: 3)
            }
        }
        for process in lock.withLock({ daemons }) { await process.stop(grace: 0.5) }
        await recorder.stop()
    }

    private func report(_ error: Error) {
        var text = "[\(name)] failed: \(error)\n"
        text += "--- daemon log ---\n" + daemonLog
        FileHandle.standardError.write(Data(text.utf8))
    }

    package var daemonLog: String {
        [daemonLogFile, autoStartedLogFile].compactMap { try? String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
    }

    // MARK: clients

    /// `wdfplay ARGS` (add "--json" yourself when wanted).
    package func wdfplay(_ arguments: [String], timeout: Double = 20) async throws -> ChildProcess.Result {
        try await ChildProcess.run(binaries.wdfplay, arguments, environment: environment, scratch: directory, timeout: timeout)
    }

    /// `wdfctl ARGS`.
    package func ctl(_ arguments: [String], timeout: Double = 20) async throws -> ChildProcess.Result {
        try await ChildProcess.run(binaries.wdfctl, arguments, environment: environment, scratch: directory, timeout: timeout)
    }

    /// `wdfplay ARGS --json` that must succeed; returns the reply.
    package func play(_ arguments: [String]) async throws -> (reply: JSONValue, result: ChildProcess.Result) {
        let result = try await wdfplay(arguments + ["--json"])
        guard result.status == 0, !result.json.isNull else { throw HarnessError("\(result)") }
        return (result.json, result)
    }

    /// `wdfctl ARGS --json` that must succeed; returns the reply.
    package func control(_ arguments: [String]) async throws -> (reply: JSONValue, result: ChildProcess.Result) {
        let result = try await ctl(arguments + ["--json"])
        guard result.status == 0, !result.json.isNull else { throw HarnessError("\(result)") }
        return (result.json, result)
    }

    /// `wdfctl status --json`.
    package func status() async throws -> JSONValue { try await control(["status"]).reply }

    /// Polls `wdfctl status --json` until `match` accepts it.
    package func awaitStatus(_ what: String, timeout: Double, where match: @escaping (JSONValue) -> Bool) async throws -> JSONValue {
        try await Deadline.await("status: \(what)", until: { note in
            let status = try await self.status()
            note(status.description)
            return match(status) ? status : nil
        }, timeout: timeout, interval: 0.05)
    }

    /// A raw connection to the control socket.
    package func connect() throws -> ControlConnection { try ControlConnection(path: socketPath) }

    /// `wdfctl follow --json` (or with `arguments`), read line by line until the test ends.
    package func follow(_ arguments: [String] = ["--json"]) async throws -> LineStream {
        let stream = try LineStream(binaries.wdfctl, ["follow"] + arguments, environment: environment, scratch: directory)
        lock.withLock { streams.append(stream) }
        return stream
    }

    /// positions.json as saved.
    package func savedPositions() throws -> JSONValue {
        let text = try String(contentsOf: positionsFile, encoding: .utf8)
        guard let json = JSONValue(text: text) else { throw HarnessError("positions.json is not JSON: \(text)") }
        return json
    }
}
