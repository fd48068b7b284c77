import Foundation

/// Records what the null sink plays (its monitor, through `parec`), mono 44.1 kHz, and keeps
/// every sample with the monotonic time at which it was played (`RecordingClock`), so that a test
/// can ask what was heard between two instants, or when something started.
package final class Recorder: @unchecked Sendable {
    package static let rate = 44100.0

    private let process: ChildProcess
    private let lock = NSLock()
    private var samples: [Float] = []
    /// When each sample was played, from when the chunks arrived (late, never early).
    private var clock = RecordingClock(rate: Recorder.rate)
    private var ended = false
    private let stderrURL: URL

    /// Records the server's sink.
    package convenience init(server: SoundServer, scratch: URL) throws {
        try self.init(environment: server.clientEnvironment, source: "\(server.sinkName).monitor", scratch: scratch)
    }

    /// Records `source` of the server that `environment` reaches (e.g. a second server).
    package init(environment: [String: String], source: String, scratch: URL) throws {
        stderrURL = scratch.appendingPathComponent("parec.err")
        let (readFD, writeFD) = try ChildProcess.makePipe()
        process = try ChildProcess.spawn(
            try SoundServer.tool("parec"),
            ["-d", source, "--raw", "--format=s16le", "--rate=44100", "--channels=1", "--latency-msec=10"],
            environment: environment, stdout: .descriptor(writeFD), stderr: .file(stderrURL.path))
        close(writeFD)
        let thread = Thread { [self] in readLoop(readFD) }
        thread.name = "Recorder"
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
                let value = Int16(bitPattern: UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8)
                chunk[i] = Float(value) / 32768
            }
            lock.lock()
            samples.append(contentsOf: chunk)
            clock.add(chunkEndingAt: samples.count, arrivedAt: now)
            lock.unlock()
        }
        close(fd)
        lock.lock()
        ended = true
        lock.unlock()
    }

    /// Waits until the monitor delivers (parec takes most of a second to start).
    package func start() async throws {
        _ = try await Deadline.await("the first samples from parec", until: { _ in
            let (ended, empty) = self.lock.withLock { (self.ended, self.samples.isEmpty) }
            if ended { throw RecorderError("parec exited: \(self.stderr)") }
            return empty ? nil : true
        }, timeout: 10, interval: 0.01)
    }

    package struct RecorderError: Error, CustomStringConvertible {
        package var description: String
        package init(_ d: String) { description = d }
    }

    package var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Monotonic time up to which everything has been recorded.
    package var coveredUntil: Double {
        lock.lock()
        defer { lock.unlock() }
        return clock.coveredUntil
    }

    /// Waits until the recording reaches `t`.
    package func awaitCoverage(_ t: Double) async throws {
        _ = try await Deadline.await("the recording to reach t=\(t)", until: { _ in
            if self.ended { throw RecorderError("parec exited: \(self.stderr)") }
            return self.coveredUntil >= t ? true : nil
        }, timeout: max(0, t - Deadline.now()) + 3, interval: 0.005)
    }

    /// The samples played between `t1` and `t2` (waits for them).
    package func samples(from t1: Double, to t2: Double) async throws -> ArraySlice<Float> {
        try await awaitCoverage(t2)
        return slice(from: t1, to: t2)
    }

    private func slice(from t1: Double, to t2: Double) -> ArraySlice<Float> {
        lock.lock()
        defer { lock.unlock() }
        let a = min(samples.count, clock.sample(at: t1))
        let b = max(a, min(samples.count, clock.sample(at: t2)))
        return samples[a..<b]
    }

    /// What was heard between `t1` and `t2`.
    package func reading(from t1: Double, to t2: Double) async throws -> ToneAnalysis.Reading {
        ToneAnalysis.analyse(try await samples(from: t1, to: t2), rate: Recorder.rate)
    }

    /// Listens from now for `seconds` and says what was heard.
    package func listen(_ seconds: Double) async throws -> ToneAnalysis.Reading {
        let t = Deadline.now()
        return try await reading(from: t, to: t + seconds)
    }

    /// The start of the first `window`-long stretch after `t0` that `match` accepts (stepping by
    /// `hop`), waiting for the sound as it is played; throws after `timeout`, describing what
    /// was heard.
    package func firstTime(_ what: String, after t0: Double, timeout: Double, window: Double = 0.04, hop: Double = 0.005,
                   where match: (ToneAnalysis.Reading) -> Bool) async throws -> Double {
        let end = Deadline.now() + timeout
        var t = t0
        while true {
            if coveredUntil >= t + window {
                if match(ToneAnalysis.analyse(slice(from: t, to: t + window), rate: Recorder.rate)) { return t }
                t += hop
                continue
            }
            if ended { throw RecorderError("parec exited: \(stderr)") }
            if Deadline.now() > end {
                throw RecorderError("Timed out after \(timeout) s waiting to hear \(what); heard: \(timeline(from: t0, to: t0 + timeout))")
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    /// When tone `f` is first clearly heard after `t0` (the onset, to about 10 ms: the middle
    /// of the first 40 ms window that is mostly that tone).
    package func awaitTone(_ f: Double, after t0: Double, timeout: Double) async throws -> Double {
        try await firstTime("\(Int(f)) Hz", after: t0, timeout: timeout) { $0.isTone(f) } + 0.02
    }

    /// When silence begins after `t0` (to about 10 ms).
    package func awaitSilence(after t0: Double, timeout: Double) async throws -> Double {
        try await firstTime("silence", after: t0, timeout: timeout, window: 0.02) { $0.isSilent }
    }

    /// When sound (anything above the silence threshold) is first heard after `t0`.
    package func awaitSound(after t0: Double, timeout: Double) async throws -> Double {
        try await firstTime("sound", after: t0, timeout: timeout, window: 0.02) { !$0.isSilent }
    }

    /// `true` when every `step`-long window between `t1` and `t2` matches (waits for the sound).
    package func everyWindow(from t1: Double, to t2: Double, step: Double = 0.05,
                     _ match: (ToneAnalysis.Reading) -> Bool) async throws -> Bool {
        try await awaitCoverage(t2)
        var t = t1
        while t + step <= t2 + 1e-9 {
            if !match(ToneAnalysis.analyse(slice(from: t, to: t + step), rate: Recorder.rate)) { return false }
            t += step
        }
        return true
    }

    /// A readable account of what was heard, window by window (runs of equal readings merged).
    package func timeline(from t1: Double, to t2: Double, step: Double = 0.05, relativeTo origin: Double? = nil) -> String {
        let zero = origin ?? t1
        var parts: [String] = []
        var runStart = t1
        var runLabel: String?
        var t = t1
        let last = min(t2, coveredUntil)
        func label(_ r: ToneAnalysis.Reading) -> String {
            r.isSilent ? "silence" : r.purity < 0.6 ? "noise" : "\(Int(r.frequency))Hz"
        }
        while t + step <= last + 1e-9 {
            let l = label(ToneAnalysis.analyse(slice(from: t, to: t + step), rate: Recorder.rate))
            if l != runLabel {
                if let runLabel { parts.append(String(format: "%+.2f…%+.2f ", runStart - zero, t - zero) + runLabel) }
                runLabel = l
                runStart = t
            }
            t += step
        }
        if let runLabel { parts.append(String(format: "%+.2f…%+.2f ", runStart - zero, t - zero) + runLabel) }
        if last < t2 { parts.append(String(format: "(nothing recorded after %+.2f)", last - zero)) }
        return parts.isEmpty ? "nothing recorded" : parts.joined(separator: ", ")
    }

    package func stop() async {
        await process.stop()
    }
}
