import Foundation

/// A long-running child (such as `wdfctl follow --json`) whose standard output is read line by
/// line (a `LineClient` on the pipe) on a thread of its own; each line is kept with the
/// monotonic time it arrived.
package final class LineStream: @unchecked Sendable {
    package typealias Line = LineClient.Line

    private let process: ChildProcess
    private let lock = NSLock()
    private var received: [Line] = []
    private var finished = false
    private let stderrURL: URL

    package init(_ executable: URL, _ arguments: [String], environment: [String: String], scratch: URL) throws {
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
        let pipe = LineClient(adopting: fd)
        while let lines = try? pipe.receive(timeout: 60) {
            lock.lock()
            received.append(contentsOf: lines)
            lock.unlock()
        }
        lock.lock()
        finished = true
        lock.unlock()
    }

    package var lines: [Line] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    package var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// The first line after index `from` that `match` accepts, with its index.
    package func await(_ what: String, after from: Int = 0, timeout: Double,
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
    package var status: Int32? { process.status }

    package func stop() async {
        await process.stop()
    }
}
