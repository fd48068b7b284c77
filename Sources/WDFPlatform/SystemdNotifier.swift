import Glibc
import WDFCore

/// sd_notify(3) without libsystemd: datagrams to `$NOTIFY_SOCKET` (READY=1, STATUS=…, STOPPING=1).
/// Does nothing when not started by systemd with Type=notify.
public final class SystemdNotifier {
    private let fd: Int32
    private let address: SocketAddress
    private var lastStatus = ""

    public init?(environment: [String: String]) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty,
              path.hasPrefix("/") || path.hasPrefix("@"),  // "@": the abstract namespace
              let address = try? SocketAddress(path: path, for: "sendto", allowingAbstract: true) else { return nil }
        self.address = address
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
    }

    deinit { close(fd) }

    /// Sends `text` ("READY=1\nSTATUS=…"); failures are ignored, as sd_notify's callers do.
    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = address.withSockaddr { addr, length in
            bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), addr, length) }
        }
    }

    /// STATUS=…, sent only when it changed.
    public func status(_ text: String) {
        guard text != lastStatus else { return }
        lastStatus = text
        send("STATUS=\(text)")
    }
}
