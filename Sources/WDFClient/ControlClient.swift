import Glibc
import WDFCore
import WDFPlatform
import WDFProtocol

/// Why a command could not be carried out: the daemon is not there, or it said no.
public enum ClientError: Error, CustomStringConvertible {
    case notRunning(socket: String)
    case connection(String)
    case refused(WireError)
    /// A helper program failed and has already said why; exit with its status.
    case silent(Int32)

    public var description: String {
        switch self {
        case .silent: return ""
        case let .notRunning(socket): return "wdfplayd is not running (no answer on \(socket)); start it with `wdfplay` or `systemctl --user start wdfplayd`."
        case let .connection(message): return message
        case let .refused(error): return error.message
        }
    }

    /// Process exit status for this error.
    public var exitCode: Int32 {
        switch self {
        case .notRunning: return 69  // EX_UNAVAILABLE
        case .connection: return 74  // EX_IOERR
        case .refused: return 1
        case let .silent(status): return status
        }
    }
}

/// One connection to the daemon's control socket, speaking JSON lines.
public final class ControlClient {
    public let socketPath: String
    private let fd: Int32
    private var pending: [UInt8] = []
    /// What each recv reads into: made on the first read, kept for the connection's life.
    private var readBuffer: [UInt8] = []
    private var nextID = 1

    /// Connects, or throws `.notRunning` when nothing listens there.
    public init(socketPath: String, timeoutSeconds: Int = 30) throws(ClientError) {
        self.socketPath = socketPath
        guard let address = try? SocketAddress(path: socketPath) else {
            throw .connection("The socket path \(socketPath) is too long.")
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .connection("Cannot create a socket: \(String(cString: strerror(errno))).") }
        let rc = address.withSockaddr { connect(fd, $0, $1) }
        if rc != 0 {
            let code = errno
            close(fd)
            if code == ENOENT || code == ECONNREFUSED { throw .notRunning(socket: socketPath) }
            throw .connection("Cannot connect to \(socketPath): \(String(cString: strerror(code))).")
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
    }

    deinit { close(fd) }

    /// Sends `command` and returns the reply's `data` as the daemon sent it (what `--json`
    /// prints), or throws its error.
    public func call(_ command: Command) throws(ClientError) -> JSON {
        let id = nextID
        nextID += 1
        do throws(ClientError) {
            try send(Request(id: .number(Double(id)), command).json)
        } catch {
            // A daemon that refuses this connection says why in one line, then closes.
            if let farewell = try? receive(), case let .reply(_, .failure(said))? = try? Message(json: farewell) {
                throw .refused(said)
            }
            throw error
        }
        while true {
            let line = try receive()
            let message: Message
            do {
                message = try Message(json: line)
            } catch {
                throw .refused(error)
            }
            switch message {
            case .event: continue  // events interleave with replies
            case let .reply(_, .success(data)): return data
            case let .reply(_, .failure(error)): throw .refused(error)
            }
        }
    }

    /// Sends `command` and reads the reply's `data` with `read` (a typed reader of WDFProtocol):
    /// the data as sent, for `--json`, and the typed value.
    public func ask<T>(_ command: Command, _ read: (JSON) throws(WireError) -> T) throws(ClientError) -> (json: JSON, value: T) {
        let data = try call(command)
        do {
            return (data, try read(data))
        } catch {
            throw .connection("wdfplayd sent a reply this program cannot read: \(error.message)")
        }
    }

    public func send(_ json: JSON) throws(ClientError) {
        var line = Array(json.serialized.utf8)
        line.append(0x0A)
        var offset = 0
        while offset < line.count {
            do throws(SystemError) {
                offset += try sys("send", socketPath) {
                    line.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
                }
            } catch {
                throw .connection("Lost the connection to wdfplayd: \(error.reason).")
            }
        }
    }

    /// The next JSON line from the daemon (a reply or an event).
    public func receive() throws(ClientError) -> JSON {
        if readBuffer.isEmpty { readBuffer = [UInt8](repeating: 0, count: 256 * 1024) }
        // Bytes of `pending` already searched for a newline (a long reply arrives in many reads).
        var searched = 0
        while true {
            if let newline = pending[searched...].firstIndex(of: 0x0A) {
                let line: [UInt8]
                if newline == pending.count - 1 {
                    // The usual case: the reply is all there is. Parse it in place (the newline
                    // is whitespace to the parser) rather than copy megabytes.
                    line = pending
                    pending = []
                } else {
                    line = Array(pending[..<newline])
                    pending.removeFirst(newline + 1)
                }
                do {
                    return try JSONParser.parse(line)
                } catch {
                    throw .connection("wdfplayd sent something that is not JSON: \(error).")
                }
            }
            searched = pending.count
            // The receive timeout (SO_RCVTIMEO) ends a wait as EAGAIN: `.wouldBlock` here.
            let result: IOResult<Int>
            do throws(SystemError) {
                result = try sys(nonBlocking: "recv", socketPath) { readBuffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) } }
            } catch {
                throw .connection("Lost the connection to wdfplayd: \(error.reason).")
            }
            switch result {
            case .wouldBlock: throw .connection("wdfplayd did not answer in time.")
            case .done(0): throw .connection("wdfplayd closed the connection.")
            case let .done(n): pending.append(contentsOf: readBuffer[0..<n])
            }
        }
    }

    /// Waits forever for the next message (used by `follow`).
    public func disableTimeout() {
        var timeout = timeval(tv_sec: 0, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
}
