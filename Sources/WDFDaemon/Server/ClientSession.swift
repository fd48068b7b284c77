import Glibc
import WDFPlatform
import WDFCore

/// One connected client: its socket, the bytes it sent that do not yet make a line, the
/// replies and events not yet written, and whether it asked for events.
final class ClientSession {
    /// Longest request line accepted (the rest of that line is discarded with an error reply).
    static let maxLine = 64 * 1024
    /// A subscriber with more than this unsent when an event is due has stopped reading: it is
    /// dropped (replies it asked for are never cut; see `Daemon.maxUnsent` for the total).
    static let maxEventBacklog = 512 * 1024
    /// Past this many unsent bytes the daemon stops reading the client's requests until it reads
    /// its replies: a client that floods without reading waits, nobody else does.
    static let readPause = 256 * 1024

    /// Whether the loop should read this client now: not while requests it already sent wait
    /// for their turn (so one read of many requests cannot queue unbounded replies).
    var wantsInput: Bool { !closing && pending.isEmpty && unsent < ClientSession.readPause }

    /// Whole request lines received and not yet answered: answered while less than `readPause`
    /// is unsent, the rest once the client has read its replies.
    var pending: [[UInt8]] = []

    let fd: Int32
    let id: Int
    var input: [UInt8] = []
    /// Replies and events; the first `written` bytes have gone out. A long reply leaves in
    /// pieces as the socket drains.
    private var output: [UInt8] = []
    private var written = 0
    /// Bytes queued and not yet written.
    var unsent: Int { output.count - written }
    var subscribed = false
    var discardingLongLine = false
    var closing = false
    /// Monotonic time of the last bytes received (or of the connection).
    var lastInput: Double
    /// True once a whole request arrived.
    var spoke = false

    /// A client that has not sent a whole request this long after connecting, or that leaves a
    /// line half-sent this long, is told so and disconnected.
    static let silenceLimit = 10.0

    init(fd: Int32, id: Int, now: Double) {
        self.fd = fd
        self.id = id
        lastInput = now
    }

    /// When this client times out, or nil while it is a well-behaved idle client.
    var deadline: Double? {
        if !spoke || !input.isEmpty || discardingLongLine { return lastInput + ClientSession.silenceLimit }
        return nil
    }

    func send(_ json: JSON) {
        json.append(to: &output)
        output.append(0x0A)
    }

    /// Queues a line already serialized (an event, written once for every subscriber).
    func send(line: [UInt8]) {
        output.append(contentsOf: line)
    }

    /// Forgets what is queued after the line being written, queues `error` instead and tries
    /// once to write it: the last words to a client about to be dropped for not reading.
    func abandonBacklog(with error: JSON) {
        let lineStart = written == 0 || output[written - 1] == 0x0A
        if lineStart {
            output.removeSubrange(written...)
        } else if let end = output[written...].firstIndex(of: 0x0A) {
            output.removeSubrange((end + 1)...)
        }
        send(error)
        _ = flush()
    }

    /// Writes what it can without blocking; false if the peer is gone.
    func flush() -> Bool {
        while written < output.count {
            let sent: IOResult<Int>
            do {
                sent = try sys(nonBlocking: "send", "client \(id)") {
                    output.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + written, $0.count - written, Int32(MSG_NOSIGNAL)) }
                }
            } catch {
                return false
            }
            guard case let .done(n) = sent else {
                // Drop what went out once it is most of the buffer (not on every write: a
                // megabyte reply leaves in hundreds of pieces).
                if written >= 64 * 1024, written * 2 >= output.count {
                    output.removeSubrange(0..<written)
                    written = 0
                }
                return true
            }
            guard n > 0 else { return false }
            written += n
        }
        // All written: a large buffer goes back to the allocator, a small one is kept.
        if output.capacity > ClientSession.readPause { output = [] } else { output.removeAll(keepingCapacity: true) }
        written = 0
        return true
    }

    /// Reads one buffer's worth (so that one busy client cannot keep the loop to itself; poll
    /// brings the loop back for the rest) and returns the complete lines, the number of lines
    /// refused for being longer than `maxLine` (their bytes are dropped as they come, never
    /// buffered), and false as `open` when the peer closed.
    func receive() -> (lines: [[UInt8]], open: Bool, tooLong: Int) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let received: IOResult<Int>
        do {
            received = try sys(nonBlocking: "recv", "client \(id)") { buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) } }
        } catch {
            return ([], false, 0)
        }
        guard case let .done(n) = received else { return ([], true, 0) }
        if n == 0 { return ([], false, 0) }
        var lines: [[UInt8]] = []
        var tooLong = 0
        var start = 0
        while start < n {
            let newline = buffer[start..<n].firstIndex(of: 0x0A)
            let end = newline ?? n
            if !discardingLongLine {
                if input.count + (end - start) > ClientSession.maxLine {
                    input.removeAll()
                    discardingLongLine = true
                    tooLong += 1
                } else {
                    input.append(contentsOf: buffer[start..<end])
                }
            }
            guard let newline else { break }
            if discardingLongLine {
                discardingLongLine = false
            } else {
                lines.append(input)
            }
            input.removeAll(keepingCapacity: true)
            start = newline + 1
        }
        return (lines, true, tooLong)
    }
}
