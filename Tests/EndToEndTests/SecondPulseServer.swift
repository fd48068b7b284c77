import Foundation

/// A PulseAudio server of one test's own (never the shared `PulseServer`), which the test may
/// kill with SIGKILL and start again on the same runtime directory: the sound server "going
/// away" and "coming back". Like the shared one it has a null sink `out`, kept running by a
/// stream of silence while the server is up, and `recorder()` records that sink's monitor.
final class SecondPulseServer: @unchecked Sendable {
    let sinkName = "out"
    let directory: URL
    let runtimeDirectory: URL
    let home: URL
    let logFile: URL
    /// What a client of this server needs in its environment (on top of its own).
    let clientEnvironment: [String: String]
    /// `PULSE_SERVER` for this server.
    var address: String { "unix:" + runtimeDirectory.appendingPathComponent("pulse/native").path }

    private let lock = NSLock()
    private var server: ChildProcess?
    private var silence: ChildProcess?
    private var recorders: [Recorder] = []

    init(directory: URL) throws {
        self.directory = directory
        runtimeDirectory = directory.appendingPathComponent("runtime")
        home = directory.appendingPathComponent("home")
        logFile = directory.appendingPathComponent("pulseaudio.log")
        let fm = FileManager.default
        for dir in [runtimeDirectory, home] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            chmod(dir.path, 0o700)
        }
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PULSE_") { env[key] = nil }
        env["XDG_RUNTIME_DIR"] = runtimeDirectory.path
        env["HOME"] = home.path
        env["PULSE_SERVER"] = "unix:" + runtimeDirectory.appendingPathComponent("pulse/native").path
        clientEnvironment = env
    }

    /// The server's pid while it runs.
    var pid: pid_t? { lock.withLock { server }.flatMap { $0.isRunning ? $0.pid : nil } }

    /// Starts pulseaudio (on the same runtime directory each time) and returns the monotonic
    /// time at which it first answered `pactl info`; then starts the stream of silence.
    @discardableResult
    func start() async throws -> Double {
        var serverEnv = ProcessInfo.processInfo.environment
        for key in serverEnv.keys where key.hasPrefix("PULSE_") { serverEnv[key] = nil }
        serverEnv["XDG_RUNTIME_DIR"] = runtimeDirectory.path
        serverEnv["HOME"] = home.path
        let process = try ChildProcess.spawn(
            try PulseServer.tool("pulseaudio"),
            ["--daemonize=no", "--exit-idle-time=-1", "-n",
             "--load=module-null-sink sink_name=\(sinkName)", "--load=module-native-protocol-unix"],
            environment: serverEnv, stdout: .file(logFile.path), stderr: .file(logFile.path))
        lock.withLock { server = process }
        let pactl = URL(fileURLWithPath: try PulseServer.tool("pactl"))
        let answered = try await Deadline.await("the second PulseAudio server to answer `pactl info`", until: { note in
            if let status = process.status {
                throw PulseServer.StartError("pulseaudio exited with \(status); log:\n\(self.log)")
            }
            let result = try await ChildProcess.run(pactl, ["info"], environment: self.clientEnvironment,
                                                    scratch: self.directory, timeout: 5)
            note(result.description)
            return result.status == 0 ? Deadline.now() : nil
        }, timeout: 15, interval: 0.01)

        let pacat = try ChildProcess.spawn(
            try PulseServer.tool("pacat"),
            ["--raw", "--format=s16le", "--rate=44100", "--channels=2", "--client-name=e2e-silence-2", "/dev/zero"],
            environment: clientEnvironment, stderr: .file(logFile.path))
        lock.withLock { silence = pacat }
        let sink = sinkName
        _ = try await Deadline.await("the second server's null sink to be RUNNING", until: { note in
            let result = try await ChildProcess.run(pactl, ["list", "short", "sinks"], environment: self.clientEnvironment,
                                                    scratch: self.directory, timeout: 5)
            note(result.stdout)
            return result.stdout.split(separator: "\n").contains { $0.contains("\t\(sink)\t") && $0.hasSuffix("RUNNING") } ? true : nil
        }, timeout: 10, interval: 0.02)
        return answered
    }

    /// SIGKILL to the server (its socket and pid files stay behind, as after a crash); waits
    /// until it and its clients of ours (the silence, the recorders) have ended.
    func kill() async throws {
        let (process, pacat, recs) = lock.withLock { (server, silence, recorders) }
        guard let process else { return }
        process.signal(SIGKILL)
        guard try await process.awaitExit(timeout: 5) != nil else { throw PulseServer.StartError("pulseaudio survived SIGKILL") }
        // Its clients see the connection drop and exit by themselves; make sure.
        for child in [pacat].compactMap({ $0 }) {
            if try await child.awaitExit(timeout: 2) == nil { await child.stop(grace: 0.5) }
        }
        for recorder in recs { await recorder.stop() }
        lock.withLock {
            server = nil
            silence = nil
            recorders = []
        }
    }

    /// A recorder of the sink's monitor on the server as it is now (a killed server takes its
    /// recorders with it); delivering samples when this returns.
    func recorder() async throws -> Recorder {
        let recorder = try Recorder(environment: clientEnvironment, source: "\(sinkName).monitor", scratch: directory)
        lock.withLock { recorders.append(recorder) }
        try await recorder.start()
        return recorder
    }

    /// Stops everything (at the end of the test, whatever happened).
    func stop() async {
        let (process, pacat, recs) = lock.withLock { (server, silence, recorders) }
        for recorder in recs { await recorder.stop() }
        if let pacat { await pacat.stop(grace: 0.5) }
        if let process { await process.stop(grace: 2) }
        lock.withLock {
            server = nil
            silence = nil
            recorders = []
        }
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
}
