import Glibc
import WDFCore

/// A failed system call: which call, on what, and the OS's reason.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var subject: String
    public var code: Int32
    /// What is wrong when the call itself did not fail ("a FIFO, not a regular file"); the
    /// sentence then says it instead of the OS's reason.
    public var detail: String?

    public init(_ call: String, _ subject: String, code: Int32 = errno, detail: String? = nil) {
        self.call = call
        self.subject = subject
        self.code = code
        self.detail = detail
    }

    public var reason: String { detail ?? String(cString: strerror(code)) }
    public var description: String {
        if let detail { return "\(FileName.display(subject)) is \(detail)." }
        return "\(FileName.display(subject)): \(reason) (\(call))"
    }
}

/// The one funnel for system calls: retries on EINTR, turns -1 into a `SystemError`.
@discardableResult
public func sys<T: BinaryInteger>(_ call: String, _ subject: @autoclosure () -> String,
                                  _ body: () -> T) throws(SystemError) -> T {
    while true {
        let rc = body()
        if rc != -1 { return rc }
        let code = errno
        if code == EINTR { continue }
        throw SystemError(call, subject(), code: code)
    }
}

/// What a call on a non-blocking descriptor (or a non-blocking lock) gave: its result, or word
/// that it would have had to wait (EAGAIN/EWOULDBLOCK), which is no error.
public enum IOResult<T: BinaryInteger & Sendable>: Sendable, Equatable {
    case done(T)
    case wouldBlock

    /// The result, nil when the call would have blocked.
    public var value: T? {
        if case let .done(value) = self { return value }
        return nil
    }
}

/// `sys` for a call that may not wait: EINTR is retried, EAGAIN/EWOULDBLOCK becomes
/// `.wouldBlock` (so no caller reads errno for it), any other failure a `SystemError`.
public func sys<T: BinaryInteger & Sendable>(nonBlocking call: String, _ subject: @autoclosure () -> String,
                                             _ body: () -> T) throws(SystemError) -> IOResult<T> {
    while true {
        let rc = body()
        if rc != -1 { return .done(rc) }
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
        throw SystemError(call, subject(), code: code)
    }
}
