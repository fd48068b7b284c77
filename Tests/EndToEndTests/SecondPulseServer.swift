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
    private var recorders: [MonitorRecorder] = []

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
    func recorder() async throws -> MonitorRecorder {
        let recorder = try MonitorRecorder(environment: clientEnvironment, source: "\(sinkName).monitor", scratch: directory)
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

/// Records a PulseAudio source (mono 44.1 kHz through `parec`) with the monotonic time of each
/// sample, like `Recorder` but for any server: `Recorder` is tied to the shared one.
final class MonitorRecorder: @unchecked Sendable {
    static let rate = 44100.0

    private let process: ChildProcess
    private let lock = NSLock()
    private var samples: [Float] = []
    private var anchor = Double.infinity
    private var ended = false
    private let stderrURL: URL

    init(environment: [String: String], source: String, scratch: URL) throws {
        stderrURL = scratch.appendingPathComponent("parec-\(UUID().uuidString.prefix(8)).err")
        let (readFD, writeFD) = try ChildProcess.makePipe()
        process = try ChildProcess.spawn(
            try PulseServer.tool("parec"),
            ["-d", source, "--raw", "--format=s16le", "--rate=44100", "--channels=1", "--latency-msec=10"],
            environment: environment, stdout: .descriptor(writeFD), stderr: .file(stderrURL.path))
        close(writeFD)
        let thread = Thread { [self] in readLoop(readFD) }
        thread.name = "MonitorRecorder"
        thread.start()
    }

    private func readLoop(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16384)
        var odd: UInt8?
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            let now = Deadline.now()
            var bytes = Array(buffer[0..<n])
            if let first = odd { bytes.insert(first, at: 0); odd = nil }
            if bytes.count % 2 == 1 { odd = bytes.removeLast() }
            var chunk = [Float](repeating: 0, count: bytes.count / 2)
            for i in 0..<chunk.count {
                chunk[i] = Float(Int16(bitPattern: UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8)) / 32768
            }
            lock.withLock {
                samples.append(contentsOf: chunk)
                anchor = min(anchor, now - Double(samples.count) / MonitorRecorder.rate)
            }
        }
        close(fd)
        lock.withLock { ended = true }
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    private var hasEnded: Bool { lock.withLock { ended } }

    func start() async throws {
        _ = try await Deadline.await("the first samples from parec", until: { _ in
            let (ended, empty) = self.lock.withLock { (self.ended, self.samples.isEmpty) }
            if ended { throw Recorder.RecorderError("parec exited: \(self.stderr)") }
            return empty ? nil : true
        }, timeout: 10, interval: 0.01)
    }

    var coveredUntil: Double {
        lock.withLock { samples.isEmpty ? -Double.infinity : anchor + Double(samples.count) / MonitorRecorder.rate }
    }

    func awaitCoverage(_ t: Double) async throws {
        _ = try await Deadline.await("the recording to reach t=\(t)", until: { _ in
            if self.coveredUntil >= t { return true }
            if self.hasEnded { throw Recorder.RecorderError("parec exited: \(self.stderr)") }
            return nil
        }, timeout: max(0, t - Deadline.now()) + 3, interval: 0.005)
    }

    private func slice(from t1: Double, to t2: Double) -> ArraySlice<Float> {
        lock.withLock {
            let a = max(0, min(samples.count, Int(((t1 - anchor) * MonitorRecorder.rate).rounded())))
            let b = max(a, min(samples.count, Int(((t2 - anchor) * MonitorRecorder.rate).rounded())))
            return samples[a..<b]
        }
    }

    /// The middle of the first 40 ms window after `t0` that is clearly tone `f`.
    func awaitTone(_ f: Double, after t0: Double, timeout: Double) async throws -> Double {
        let end = Deadline.now() + timeout
        var t = t0
        while true {
            if coveredUntil >= t + 0.04 {
                if ToneAnalysis.analyse(slice(from: t, to: t + 0.04), rate: MonitorRecorder.rate).isTone(f) { return t + 0.02 }
                t += 0.005
                continue
            }
            if hasEnded { throw Recorder.RecorderError("parec exited: \(stderr)") }
            if Deadline.now() > end {
                throw Recorder.RecorderError("Timed out after \(timeout) s waiting to hear \(Int(f)) Hz; heard: \(timeline(from: t0, to: t0 + timeout))")
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    /// `true` when every 50 ms window from `t1` to `t2` matches (waits for the sound).
    func everyWindow(from t1: Double, to t2: Double, _ match: (ToneAnalysis.Reading) -> Bool) async throws -> Bool {
        try await awaitCoverage(t2)
        var t = t1
        while t + 0.05 <= t2 + 1e-9 {
            if !match(ToneAnalysis.analyse(slice(from: t, to: t + 0.05), rate: MonitorRecorder.rate)) { return false }
            t += 0.05
        }
        return true
    }

    func timeline(from t1: Double, to t2: Double, relativeTo origin: Double? = nil) -> String {
        let zero = origin ?? t1
        var parts: [String] = []
        var runStart = t1
        var runLabel: String?
        var t = t1
        let last = min(t2, coveredUntil)
        while t + 0.05 <= last + 1e-9 {
            let r = ToneAnalysis.analyse(slice(from: t, to: t + 0.05), rate: MonitorRecorder.rate)
            let l = r.isSilent ? "silence" : r.purity < 0.6 ? "noise" : "\(Int(r.frequency))Hz"
            if l != runLabel {
                if let runLabel { parts.append(String(format: "%+.2f…%+.2f ", runStart - zero, t - zero) + runLabel) }
                runLabel = l
                runStart = t
            }
            t += 0.05
        }
        if let runLabel { parts.append(String(format: "%+.2f…%+.2f ", runStart - zero, t - zero) + runLabel) }
        if last < t2 { parts.append(String(format: "(nothing recorded after %+.2f)", last - zero)) }
        return parts.isEmpty ? "nothing recorded" : parts.joined(separator: ", ")
    }

    func stop() async {
        await process.stop(grace: 0.5)
    }
}
