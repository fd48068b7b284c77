import Glibc

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

/// The process environment as a dictionary (no Foundation).
public enum Environment {
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer += 1
        }
        return result
    }
}
