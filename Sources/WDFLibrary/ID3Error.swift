#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import WDFCore

/// Why an ID3 tag could not be read from a file.
///
/// Malformed tag *contents* never produce an error: the parser returns whatever it
/// could read. Errors are only about the file itself.
public enum ID3Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened (`errno` as reported by `open(2)`).
    case cannotOpen(path: String, errno: Int32)
    /// Reading from the file failed (`errno` as reported by `read(2)`).
    case readFailed(path: String, errno: Int32)
    /// The path names a FIFO, a device, a socket …: never opened for reading (`what` says which,
    /// as in "a FIFO (named pipe), not a regular file").
    case notRegularFile(path: String, what: String)

    /// The path of the file the error is about.
    public var path: String {
        switch self {
        case .cannotOpen(let path, _), .readFailed(let path, _), .notRegularFile(let path, _):
            return path
        }
    }

    /// A sentence naming the problem and the file, e.g.
    /// `Cannot open "/x.mp3" to read its ID3 tag: No such file or directory.`
    public var description: String {
        switch self {
        case .cannotOpen(let path, let code):
            return "Cannot open \"\(FileName.display(path))\" to read its ID3 tag: \(Self.reason(code))."
        case .readFailed(let path, let code):
            return "Cannot read the ID3 tag of \"\(FileName.display(path))\": \(Self.reason(code))."
        case .notRegularFile(let path, let what):
            return "\(FileName.display(path)) is \(what)."
        }
    }

    private static func reason(_ code: Int32) -> String {
        // glibc's strerror uses a thread-local buffer for unknown codes (thread-safe since 2.32).
        guard let message = strerror(code) else { return "error \(code)" }
        return String(cString: message)
    }
}
