import Glibc
import WDFCore

/// The listening socket handed over by systemd (sd_listen_fds(3)): `LISTEN_PID` is us and
/// `LISTEN_FDS` ≥ 1, the socket is descriptor 3. nil when not socket-activated.
public enum SocketActivation {
    public static func listeningSocket(environment: [String: String]) -> Int32? {
        guard let pid = environment["LISTEN_PID"].flatMap({ Int32($0) }), pid == getpid(),
              let count = environment["LISTEN_FDS"].flatMap({ Int($0) }), count >= 1 else { return nil }
        let fd: Int32 = 3
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0, type == Int32(SOCK_STREAM.rawValue) else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        // Descriptors past the first are not ours to use; close them so they do not leak.
        if count > 1 { for extra in 4..<(3 + Int32(count)) { close(extra) } }
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        return fd
    }
}
