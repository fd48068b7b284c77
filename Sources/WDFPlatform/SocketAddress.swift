import Glibc
import WDFCore

/// A Unix-domain socket address (`sockaddr_un`): the one place a path is put into one.
/// With `abstract`, a path starting with "@" names the abstract namespace (as
/// `$NOTIFY_SOCKET` may); otherwise every path is a file's.
public struct SocketAddress: Sendable {
    private var storage = sockaddr_un()
    /// The length to pass with it: the path and its NUL, or the abstract name without one.
    public let length: socklen_t

    /// Throws ENAMETOOLONG (naming `call`, the call it is for) when `path` does not fit in
    /// `sun_path` (108 bytes with its NUL on Linux).
    public init(path: String, for call: String = "connect", allowingAbstract: Bool = false) throws(SystemError) {
        var bytes = Array(path.utf8)
        let abstract = allowingAbstract && bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: storage.sun_path) else {
            throw SystemError(call, path, code: bytes.isEmpty ? ENOENT : ENAMETOOLONG)
        }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
            if !abstract { raw[bytes.count] = 0 }
        }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        length = socklen_t(offset + bytes.count + (abstract ? 0 : 1))
    }

    /// Calls `body` with the address as the `sockaddr` pointer bind/connect/sendto take.
    public func withSockaddr<R, E: Error>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws(E) -> R) throws(E) -> R {
        var copy = storage
        return try withUnsafePointer(to: &copy) { (pointer) throws(E) -> R in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (address) throws(E) -> R in
                try body(address, length)
            }
        }
    }
}
