import Foundation

/// One private PulseAudio server per test process, with a null sink `out` that every test plays
/// to and records from (`out.monitor`). Started on first use, stopped at process exit.
///
/// The null sink is kept running the whole time by a stream of silence: when it is idle, its
/// monitor delivers nothing and a new stream's first ~0.85 s is swallowed silently.
final class PulseServer: @unchecked Sendable {
    let sinkName = "out"
    /// The test process's scratch root (mode 0700); every test makes its folder in here.
    let root: URL
    let runtimeDirectory: URL
    let home: URL
    private let server: ChildProcess
    private let silence: ChildProcess

    /// What a client of this server needs in its environment.
    let clientEnvironment: [String: String]

    private static let lock = NSLock()
    nonisolated(unsafe) private static var instance: Result<PulseServer, Error>?

    /// The server, started on the first call (later calls get the same one, or the same error).
    static func shared() throws -> PulseServer {
        lock.lock()
        defer { lock.unlock() }
        if let instance { return try instance.get() }
        let result = Result { try PulseServer() }
        instance = result
        return try result.get()
    }

    struct StartError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// The full path of a tool the tests run, or an error saying which package to install.
    static func tool(_ name: String, package: String = "pulseaudio pulseaudio-utils") throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw StartError("\(name) is not installed; the end-to-end tests need `apt-get install \(package)`.")
    }

    private init() throws {
        var template = Array((NSTemporaryDirectory() + "/wdfplay-e2e.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw StartError("mkdtemp failed: \(String(cString: strerror(errno)))") }
        root = URL(fileURLWithPath: String(cString: made))
        runtimeDirectory = root.appendingPathComponent("runtime")
        home = root.appendingPathComponent("pulse-home")
        let fm = FileManager.default
        try fm.createDirectory(at: runtimeDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(runtimeDirectory.path, 0o700)
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PULSE_") { env[key] = nil }
        env["XDG_RUNTIME_DIR"] = runtimeDirectory.path
        env["PULSE_SERVER"] = "unix:" + runtimeDirectory.appendingPathComponent("pulse/native").path
        env["HOME"] = home.path
        clientEnvironment = env
        let rootPath = root.path
        let keep = ProcessInfo.processInfo.environment["WDFPLAY_E2E_KEEP"] != nil
        if !keep {
            // Runs after the Reaper's handler (atexit handlers run last-registered first).
            PulseServer.removeAtExit = rootPath
            atexit {
                if let path = PulseServer.removeAtExit { try? FileManager.default.removeItem(atPath: path) }
            }
        }
        Reaper.shared.install(directory: rootPath, removeDirectory: !keep)

        let log = root.appendingPathComponent("pulseaudio.log")
        var serverEnv = ProcessInfo.processInfo.environment
        for key in serverEnv.keys where key.hasPrefix("PULSE_") { serverEnv[key] = nil }
        serverEnv["XDG_RUNTIME_DIR"] = runtimeDirectory.path
        serverEnv["HOME"] = home.path
        server = try ChildProcess.spawn(
            try PulseServer.tool("pulseaudio"),
            ["--daemonize=no", "--exit-idle-time=-1", "-n",
             "--load=module-null-sink sink_name=\(sinkName)", "--load=module-native-protocol-unix"],
            environment: serverEnv, stdout: .file(log.path), stderr: .file(log.path))

        // Ready when pactl gets an answer.
        let pactl = try PulseServer.tool("pactl")
        let clientEnv = clientEnvironment
        let scratch = root
        try PulseServer.poll("PulseAudio to answer `pactl info`", timeout: 15, log: log) { [server] in
            if let status = server.status { throw StartError("pulseaudio exited with \(status)") }
            return try ChildProcess.runBlocking(pactl, ["info"], environment: clientEnv, scratch: scratch).status == 0
        }

        // Keep the sink running with a stream of silence.
        silence = try ChildProcess.spawn(
            try PulseServer.tool("pacat"),
            ["--raw", "--format=s16le", "--rate=44100", "--channels=2", "--client-name=e2e-silence", "/dev/zero"],
            environment: clientEnv, stderr: .file(log.path))
        let sink = sinkName
        try PulseServer.poll("the null sink to be RUNNING", timeout: 10, log: log) { [silence] in
            if let status = silence.status { throw StartError("pacat (silence) exited with \(status)") }
            let sinks = try ChildProcess.runBlocking(pactl, ["list", "short", "sinks"], environment: clientEnv, scratch: scratch).output
            return sinks.split(separator: "\n").contains { $0.contains("\t\(sink)\t") && $0.hasSuffix("RUNNING") }
        }
    }

    nonisolated(unsafe) private static var removeAtExit: String?

    private static func poll(_ what: String, timeout: Double, log: URL, _ ready: () throws -> Bool) throws {
        let end = Deadline.now() + timeout
        while true {
            if try ready() { return }
            if Deadline.now() > end {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw StartError("Timed out waiting for \(what); pulseaudio log:\n\(text)")
            }
            usleep(50_000)
        }
    }
}
