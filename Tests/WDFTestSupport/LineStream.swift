import Foundation

/// A long-running child (such as `wdfctl follow --json`) whose standard output is read line by
/// line on a thread of its own; each line is kept with the monotonic time it arrived.
final class LineStream: @unchecked Sendable {
    struct Line: Sendable {
        var time: Double
        var text: String
    }

    private let process: ChildProcess
    private let lock = NSLock()
    private var received: [Line] = []
    private var finished = false
    private let stderrURL: URL

    init(_ executable: URL, _ arguments: [String], environment: [String: String], scratch: URL) throws {
        stderrURL = scratch.appendingPathComponent("stream-err-\(UUID().uuidString.prefix(8))")
        let (readFD, writeFD) = try ChildProcess.makePipe()
        process = try ChildProcess.spawn(executable.path, arguments, environment: environment,
                                         stdout: .descriptor(writeFD), stderr: .file(stderrURL.path))
        close(writeFD)
        let thread = Thread { [self] in readLoop(readFD) }
        thread.name = "LineStream \(executable.lastPathComponent)"
        thread.start()
    }

    private func readLoop(_ fd: Int32) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            let now = Deadline.now()
            pending.append(contentsOf: buffer[0..<n])
            var lines: [Line] = []
            while let newline = pending.firstIndex(of: 0x0A) {
                lines.append(Line(time: now, text: String(decoding: pending[..<newline], as: UTF8.self)))
                pending.removeSubrange(...newline)
            }
            lock.lock()
            received.append(contentsOf: lines)
            lock.unlock()
        }
        close(fd)
        lock.lock()
        finished = true
        lock.unlock()
    }

    var lines: [Line] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// The first line after index `from` that `match` accepts, with its index.
    func await(_ what: String, after from: Int = 0, timeout: Double,
               where match: @escaping (Line) -> Bool) async throws -> (index: Int, line: Line) {
        try await Deadline.await(what, until: { note in
            let all = self.lines
            note("\(all.count) lines: " + all.suffix(3).map(\.text).joined(separator: " | "))
            guard all.count > from else { return nil }
            for i in from..<all.count where match(all[i]) { return (i, all[i]) }
            return nil
        }, timeout: timeout)
    }

    /// The exit status once it has ended.
    var status: Int32? { process.status }

    func stop() async {
        await process.stop()
    }
}
