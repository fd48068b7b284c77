import Glibc
import WDFCore

/// Opening a stranger's file: only regular files, and never a wait on a FIFO or a device.
extension FileSystem {
    /// What a path names, for a sentence ("a FIFO").
    public enum FileType: Sendable, Equatable {
        case regular, directory, fifo, socket, characterDevice, blockDevice, symbolicLink, other

        public init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFREG: self = .regular
            case S_IFDIR: self = .directory
            case S_IFIFO: self = .fifo
            case S_IFSOCK: self = .socket
            case S_IFCHR: self = .characterDevice
            case S_IFBLK: self = .blockDevice
            case S_IFLNK: self = .symbolicLink
            default: self = .other
            }
        }

        /// "a FIFO, not a regular file", for `SystemError.detail` and messages.
        public var notRegular: String {
            switch self {
            case .regular: return "a regular file"
            case .directory: return "a folder, not a regular file"
            case .fifo: return "a FIFO (named pipe), not a regular file"
            case .socket: return "a socket, not a regular file"
            case .characterDevice: return "a character device, not a regular file"
            case .blockDevice: return "a block device, not a regular file"
            case .symbolicLink: return "a symbolic link, not a regular file"
            case .other: return "not a regular file"
            }
        }
    }

    /// The type of what `path` names, symlinks followed; nil when it cannot be stat'ed (errno set).
    public static func fileType(_ path: String) -> FileType? {
        var st = stat()
        let rc = FileName.withCString(path) { stat($0, &st) }
        return rc == 0 ? FileType(mode: st.st_mode) : nil
    }

    /// Opens a regular file for reading, and nothing else: the type is checked before the open
    /// (so that opening a device has no side effect), the open does not wait (O_NONBLOCK: a FIFO
    /// would block until a writer comes), and the type is checked again on the descriptor (the
    /// name may have been replaced in between). Blocking mode is restored before returning.
    /// A non-regular file fails with `detail` saying what it is (EISDIR for a folder).
    public static func openForReading(_ path: String) throws(SystemError) -> Int32 {
        func refuse(_ type: FileType) -> SystemError {
            SystemError("open", path, code: type == .directory ? EISDIR : EINVAL, detail: type.notRegular)
        }
        var st = stat()
        try sys("open", path) { FileName.withCString(path) { stat($0, &st) } }
        let before = FileType(mode: st.st_mode)
        guard before == .regular else { throw refuse(before) }
        let fd = try sys("open", path) {
            FileName.withCString(path) { open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
        }
        do throws(SystemError) {
            try sys("fstat", path) { fstat(fd, &st) }
            let after = FileType(mode: st.st_mode)
            guard after == .regular else { throw refuse(after) }
            let flags = try sys("fcntl", path) { fcntl(fd, F_GETFL) }
            try sys("fcntl", path) { fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }
}
