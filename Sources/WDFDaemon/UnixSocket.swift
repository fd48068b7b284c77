import Glibc
import WDFCore
import WDFPlatform

/// Unix stream socket helpers: the listening socket's life cycle, peer credentials.
enum UnixSocket {
    /// True if a daemon answers on `path`.
    static func isLive(_ path: String) -> Bool {
        guard let address = try? SocketAddress(path: path) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return address.withSockaddr { connect(fd, $0, $1) } == 0
    }

    /// Binds and listens on `path` (directory made 0700, socket 0600). A socket file nobody
    /// answers on is a leftover of a killed daemon and is replaced; a live one is an error.
    /// `privateDirectory`: the folder is wdfplay's own (the default one), so one found open to
    /// others (0755) is tightened to 0700, and one owned by another uid is refused.
    static func listen(at path: String, privateDirectory: Bool = false) throws(DaemonError) -> Int32 {
        let directory = FileSystem.directoryName(path)
        do {
            try FileSystem.makeDirectory(directory, mode: 0o700)
        } catch {
            throw DaemonError("Cannot create the socket directory \(directory): \(error.reason).")
        }
        if privateDirectory { try makePrivate(directory) }
        if FileSystem.exists(path) {
            if isLive(path) {
                throw DaemonError("Another wdfplayd is already running on \(path).")
            }
            unlink(path)
        }
        do {
            let address = try SocketAddress(path: path, for: "bind")
            let fd = try sys("socket", path) {
                socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            }
            let oldMask = umask(0o177)
            defer { umask(oldMask) }
            do throws(SystemError) {
                try sys("bind", path) { address.withSockaddr { bind(fd, $0, $1) } }
                chmod(path, 0o600)
                try sys("listen", path) { Glibc.listen(fd, 64) }
            } catch {
                close(fd)
                throw error
            }
            return fd
        } catch let error as SystemError {
            throw DaemonError("Cannot listen on \(path): \(error.reason).")
        } catch {
            throw DaemonError("Cannot listen on \(path): \(error).")
        }
    }

    /// Makes `directory` 0700 if it is ours; refuses one that belongs to someone else.
    static func makePrivate(_ directory: String) throws(DaemonError) {
        var st = stat()
        guard lstat(directory, &st) == 0 else {
            throw DaemonError("Cannot inspect the socket directory \(directory): \(String(cString: strerror(errno))).")
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw DaemonError("The socket directory \(directory) is not a folder.") }
        guard st.st_uid == getuid() else {
            throw DaemonError("The socket directory \(directory) belongs to uid \(st.st_uid), not to this user (uid \(getuid())); remove it or set $XDG_RUNTIME_DIR.")
        }
        if st.st_mode & 0o077 != 0, chmod(directory, 0o700) != 0 {
            throw DaemonError("Cannot make the socket directory \(directory) private (0700): \(String(cString: strerror(errno))).")
        }
    }

    /// The uid of the process at the other end.
    static func peerUID(_ fd: Int32) -> uid_t? {
        struct PeerCredentials { var pid: pid_t = 0; var uid: uid_t = 0; var gid: gid_t = 0 }  // struct ucred
        var cred = PeerCredentials()
        var len = socklen_t(MemoryLayout<PeerCredentials>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 else { return nil }
        return cred.uid
    }
}
