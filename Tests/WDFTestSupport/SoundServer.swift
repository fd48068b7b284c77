import Foundation

/// A private sound server for the end-to-end tests: PulseAudio, or PipeWire with pipewire-pulse
/// (what most desktops run now), each in its own runtime directory, with a null sink `out` that
/// the daemon plays to and a `Recorder` records from (`out.monitor`). Clients reach it through
/// `clientEnvironment` (`PULSE_SERVER`), whichever kind it is.
///
/// The null sink is kept running by a stream of silence: when it is idle, its monitor delivers
/// nothing and a new stream's first ~0.85 s is swallowed silently.
///
/// PipeWire runs as on a desktop without systemd: a session bus of its own (`dbus-daemon
/// --session` on a socket in the runtime directory; no system bus needed), `pipewire`,
/// `wireplumber`, `pipewire-pulse`. The null sink is defined in a PipeWire config file
/// (`XDG_CONFIG_HOME/pipewire/pipewire.conf.d`), so it is there again whenever pipewire starts.
///
/// One per kind is shared by the whole test process (`shared(_:)`, in SoundServer+Shared.swift);
/// a test may also make one of its own and kill it (`kill(_:)`) and start it again (`start()`)
/// on the same runtime directory: the sound server "going away" and "coming back".
package final class SoundServer: @unchecked Sendable {
    package enum Kind: String, CaseIterable, Sendable {
        case pulseaudio
        case pipewire
    }

    /// What `kill(_:)` takes down.
    package enum Scope: Sendable {
        /// The process clients talk to: pulseaudio, or pipewire-pulse alone (PipeWire and
        /// WirePlumber stay).
        case pulseServer
        /// pipewire, wireplumber and pipewire-pulse together (for PulseAudio the same as
        /// `pulseServer`). The session bus stays, as it does when a desktop's sound restarts.
        case wholeStack
    }

    package let kind: Kind
    package let sinkName = "out"
    /// The test process's scratch root (mode 0700); every test makes its folder in here.
    package let root: URL
    package let directory: URL
    package let runtimeDirectory: URL
    package let home: URL
    package let configHome: URL
    package let logFile: URL
    /// What a client of this server needs in its environment.
    package let clientEnvironment: [String: String]
    /// `PULSE_SERVER` for this server.
    package var address: String { "unix:" + runtimeDirectory.appendingPathComponent("pulse/native").path }
    /// The server's name as `pactl info` gives it, once started ("PulseAudio (on PipeWire 0.3.65)").
    package var serverName: String { lock.withLock { name } }

    private let lock = NSLock()
    private var name = ""
    private var bus: ChildProcess?
    private var pipewire: ChildProcess?
    private var wireplumber: ChildProcess?
    private var pulse: ChildProcess?
    private var silence: ChildProcess?
    private var recorders: [Recorder] = []

    /// A server of `kind` whose files live in `directory`; `start()` starts it.
    package init(kind: Kind, directory: URL) throws {
        self.kind = kind
        self.directory = directory
        root = try SoundServer.scratchRoot()
        runtimeDirectory = directory.appendingPathComponent("runtime")
        home = directory.appendingPathComponent("home")
        configHome = directory.appendingPathComponent("config")
        logFile = directory.appendingPathComponent("\(kind.rawValue).log")
        let fm = FileManager.default
        for dir in [directory, runtimeDirectory, home, configHome] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            chmod(dir.path, 0o700)
        }
        if kind == .pipewire {
            let conf = configHome.appendingPathComponent("pipewire/pipewire.conf.d")
            try fm.createDirectory(at: conf, withIntermediateDirectories: true)
            try SoundServer.pipeWireConfig(sink: sinkName).write(to: conf.appendingPathComponent("wdfplay-tests.conf"),
                                                                 atomically: true, encoding: .utf8)
        }
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PULSE_") { env[key] = nil }
        env["XDG_RUNTIME_DIR"] = runtimeDirectory.path
        env["HOME"] = home.path
        env["PULSE_SERVER"] = "unix:" + runtimeDirectory.appendingPathComponent("pulse/native").path
        clientEnvironment = env
    }

    /// The PipeWire config fragment: the null sink (`object.linger`: it belongs to no client and
    /// stays), and a graph that runs at least at PipeWire's default quantum, 1024 samples (21 ms
    /// at 48 kHz), as on a desktop where nothing asks for low latency. Otherwise the recorder's
    /// 10 ms request sets 256 (5.3 ms), and on a fully loaded machine pipewire-pulse then misses
    /// cycles: a few ms of the daemon's stream drop out of what the sink plays.
    package static func pipeWireConfig(sink: String) -> String {
        """
        context.properties = {
            default.clock.min-quantum = 1024
        }
        context.objects = [
          { factory = adapter
            args = { factory.name = support.null-audio-sink node.name = "\(sink)" media.class = Audio/Sink
                     audio.position = [ FL FR ] monitor.channel-volumes = true object.linger = true } }
        ]

        """
    }

    /// The environment of the server's own processes: nothing of the user's sound or bus setup.
    private var serverEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PULSE_") || key.hasPrefix("PIPEWIRE_") || key.hasPrefix("XDG_") { env[key] = nil }
        env["XDG_RUNTIME_DIR"] = runtimeDirectory.path
        env["XDG_CONFIG_HOME"] = configHome.path
        env["HOME"] = home.path
        env["DBUS_SESSION_BUS_ADDRESS"] = busAddress
        return env
    }

    private var busSocket: URL { runtimeDirectory.appendingPathComponent("bus") }
    private var busAddress: String { "unix:path=" + busSocket.path }

    /// The pid of the process clients talk to (pulseaudio or pipewire-pulse) while it runs.
    package var pid: pid_t? { lock.withLock { pulse }.flatMap { $0.isRunning ? $0.pid : nil } }

    /// Starts what is not running (on the same runtime directory each time) and returns the
    /// monotonic time at which the server first answered `pactl info`; then starts the stream
    /// of silence and waits until the null sink is RUNNING.
    @discardableResult
    package func start() async throws -> Double {
        let env = serverEnvironment
        if kind == .pipewire {
            try await startPipeWire(env)
        }
        if lock.withLock({ pulse }) == nil {
            let process = kind == .pulseaudio
                ? try ChildProcess.spawn(
                    try SoundServer.tool("pulseaudio"),
                    ["--daemonize=no", "--exit-idle-time=-1", "-n", "--log-target=stderr",
                     "--load=module-null-sink sink_name=\(sinkName)", "--load=module-native-protocol-unix"],
                    environment: env, stdout: .file(logFile.path), stderr: .file(logFile.path))
                : try spawnLogged("pipewire-pulse", package: SoundServer.pipewirePackages, env)
            lock.withLock { pulse = process }
        }
        guard let process = lock.withLock({ pulse }) else { throw StartError("\(kind.rawValue) was stopped while starting") }
        let pactl = URL(fileURLWithPath: try SoundServer.tool("pactl"))
        let (answered, info) = try await Deadline.await("\(kind.rawValue) to answer `pactl info`", until: { note in
            if let status = process.status {
                throw StartError("\(process.command) exited with \(status); log:\n\(self.log)")
            }
            let result = try await ChildProcess.run(pactl, ["info"], environment: self.clientEnvironment,
                                                    scratch: self.directory, timeout: 5)
            note(result.description)
            return result.status == 0 ? (Deadline.now(), result.stdout) : nil
        }, timeout: 15, interval: 0.01)
        try checkServerName(info)

        let startSilence = { [self] () throws -> ChildProcess in
            let pacat = try ChildProcess.spawn(
                try SoundServer.tool("pacat"),
                ["--raw", "--format=s16le", "--rate=44100", "--channels=2", "--client-name=e2e-silence", "/dev/zero"],
                environment: clientEnvironment, stderr: .file(logFile.path))
            lock.withLock { silence = pacat }
            return pacat
        }
        var pacat = try startSilence()
        var retries = 0
        let sink = sinkName
        _ = try await Deadline.await("\(kind.rawValue)'s null sink to be RUNNING", until: { note -> Bool? in
            if let status = pacat.status {
                // pipewire-pulse answers before WirePlumber has settled: a stream made in that
                // moment can fail ("Stream error: Input/Output error"; WirePlumber: "item
                // deactivated before format set"). Another one a moment later plays.
                guard self.kind == .pipewire, retries < 5 else {
                    throw StartError("pacat (silence) exited with \(status); log:\n\(self.log)")
                }
                retries += 1
                pacat = try startSilence()
                return nil
            }
            let result = try await ChildProcess.run(pactl, ["list", "short", "sinks"], environment: self.clientEnvironment,
                                                    scratch: self.directory, timeout: 5)
            note(result.stdout)
            return result.stdout.split(separator: "\n").contains { $0.contains("\t\(sink)\t") && $0.hasSuffix("RUNNING") } ? true : nil
        }, timeout: 10, interval: 0.02)
        return answered
    }

    /// The session bus, then pipewire (ready when `pw-cli info 0` gets an answer: pipewire-pulse
    /// started before that cannot load its fallback-sink module), then wireplumber.
    private func startPipeWire(_ env: [String: String]) async throws {
        if lock.withLock({ bus }) == nil {
            try? FileManager.default.removeItem(at: busSocket)
            let process = try ChildProcess.spawn(
                try SoundServer.tool("dbus-daemon", package: "dbus-daemon"),
                ["--session", "--nofork", "--nopidfile", "--address=" + busAddress],
                environment: env, stdout: .file(logFile.path), stderr: .file(logFile.path))
            lock.withLock { bus = process }
            let socket = busSocket.path
            _ = try await Deadline.await("the session bus to listen on \(socket)", until: { _ in
                if let status = process.status { throw StartError("dbus-daemon exited with \(status); log:\n\(self.log)") }
                return FileManager.default.fileExists(atPath: socket) ? true : nil
            }, timeout: 10, interval: 0.01)
        }
        if lock.withLock({ pipewire }) == nil {
            let process = try spawnLogged("pipewire", package: SoundServer.pipewirePackages, env)
            lock.withLock { pipewire = process }
            let cli = URL(fileURLWithPath: try SoundServer.tool("pw-cli", package: SoundServer.pipewirePackages))
            _ = try await Deadline.await("pipewire to answer `pw-cli info 0`", until: { note in
                if let status = process.status { throw StartError("pipewire exited with \(status); log:\n\(self.log)") }
                let result = try await ChildProcess.run(cli, ["info", "0"], environment: env, scratch: self.directory, timeout: 5)
                note(result.description)
                return result.status == 0 ? true : nil
            }, timeout: 15, interval: 0.01)
        }
        if lock.withLock({ wireplumber }) == nil {
            let process = try spawnLogged("wireplumber", package: SoundServer.pipewirePackages, env)
            lock.withLock { wireplumber = process }
        }
    }

    package static let pipewirePackages = "--no-install-recommends pipewire pipewire-pulse wireplumber dbus-daemon"

    private func spawnLogged(_ tool: String, package: String, _ env: [String: String]) throws -> ChildProcess {
        try ChildProcess.spawn(try SoundServer.tool(tool, package: package), [], environment: env,
                               stdout: .file(logFile.path), stderr: .file(logFile.path))
    }

    /// The tests must run against the server they say: "PulseAudio (on PipeWire …)" for
    /// PipeWire, plain PulseAudio's name for PulseAudio.
    private func checkServerName(_ info: String) throws {
        let line = info.split(separator: "\n").first { $0.hasPrefix("Server Name:") }
        let found = line.map { $0.dropFirst("Server Name:".count).trimmingCharacters(in: .whitespaces) } ?? ""
        lock.withLock { name = found }
        let isPipeWire = found.contains("PipeWire")
        guard isPipeWire == (kind == .pipewire) else {
            throw StartError("expected a \(kind.rawValue) server but `pactl info` names \"\(found)\":\n\(info)")
        }
    }

    /// SIGKILL (its socket and pid files stay behind, as after a crash) to the server's processes
    /// in `scope`; waits until they and their clients of ours (the silence, the recorders) have ended.
    package func kill(_ scope: Scope = .pulseServer) async throws {
        let victims: [ChildProcess] = lock.withLock {
            let all = scope == .wholeStack ? [pulse, wireplumber, pipewire] : [pulse]
            return all.compactMap { $0 }
        }
        guard !victims.isEmpty else { return }
        for process in victims { process.signal(SIGKILL) }
        for process in victims where try await process.awaitExit(timeout: 5) == nil {
            throw StartError("\(process.command) survived SIGKILL")
        }
        let (pacat, recs) = lock.withLock {
            pulse = nil
            if scope == .wholeStack {
                wireplumber = nil
                pipewire = nil
            }
            defer {
                silence = nil
                recorders = []
            }
            return (silence, recorders)
        }
        // Its clients see the connection drop and exit by themselves; make sure.
        if let pacat, try await pacat.awaitExit(timeout: 2) == nil { await pacat.stop(grace: 0.5) }
        for recorder in recs { await recorder.stop() }
    }

    /// A recorder of the sink's monitor on the server as it is now (a killed server takes its
    /// recorders with it); delivering samples when this returns.
    package func recorder() async throws -> Recorder {
        let recorder = try Recorder(environment: clientEnvironment, source: "\(sinkName).monitor", scratch: directory)
        lock.withLock { recorders.append(recorder) }
        try await recorder.start()
        return recorder
    }

    /// Stops everything (at the end of the test, whatever happened).
    package func stop() async {
        let (recs, processes) = lock.withLock {
            defer {
                recorders = []
                (silence, pulse, wireplumber, pipewire, bus) = (nil, nil, nil, nil, nil)
            }
            return (recorders, [silence, pulse, wireplumber, pipewire, bus].compactMap { $0 })
        }
        for recorder in recs { await recorder.stop() }
        for process in processes { await process.stop(grace: 2) }
    }

    package var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    package struct StartError: Error, CustomStringConvertible {
        package var description: String
        package init(_ d: String) { description = d }
    }
}
