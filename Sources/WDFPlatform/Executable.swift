import Glibc
import WDFCore

/// Finding and running wdfplay's own programs.
public enum Executable {
    /// This process's executable, resolved.
    public static var current: String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { readlink("/proc/self/exe", $0, p.count - 1) }
        }
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    /// `name` beside this executable, else on `$PATH`.
    public static func sibling(_ name: String, environment: [String: String]) -> String? {
        if let me = current {
            let beside = FileSystem.directoryName(me) + "/" + name
            if access(beside, X_OK) == 0 { return beside }
        }
        for dir in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Where a child's standard input, output or error goes.
    public enum Stream: Sendable, Equatable {
        /// This process's own descriptor of that number.
        case inherit
        /// `/dev/null`.
        case null
        /// A descriptor of this process (a pipe's write end, say), duplicated onto it.
        case descriptor(Int32)
        /// A file opened for appending (created 0600).
        case appending(String)
        /// Standard error only: wherever standard output goes.
        case standardOutput
    }

    /// The one place a program is started (posix_spawn): `arguments[0]` is its path. With
    /// `newSession` it gets a session of its own (closing the terminal does not end it) and
    /// an empty signal mask. Returns its pid; `wait(_:)` reaps it.
    public static func spawn(_ arguments: [String], input: Stream = .inherit, output: Stream = .inherit,
                             error: Stream = .inherit, newSession: Bool = false) throws(SystemError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        try check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init", arguments[0])
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, stream) in [(Int32(0), input), (1, output), (2, error)] {
            let rc: Int32
            switch stream {
            case .inherit: continue
            case .null: rc = posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            case let .descriptor(source): rc = posix_spawn_file_actions_adddup2(&actions, source, fd)
            case let .appending(path): rc = posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            case .standardOutput: rc = posix_spawn_file_actions_adddup2(&actions, 1, fd)
            }
            try check(rc, "posix_spawn_file_actions", arguments[0])
        }
        var attributes = posix_spawnattr_t()
        try check(posix_spawnattr_init(&attributes), "posix_spawnattr_init", arguments[0])
        defer { posix_spawnattr_destroy(&attributes) }
        if newSession {
            // POSIX_SPAWN_SETSID (glibc, 0x80): a session of its own.
            try check(posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGMASK)), "posix_spawnattr_setflags", arguments[0])
            var emptyMask = sigset_t()
            sigemptyset(&emptyMask)
            try check(posix_spawnattr_setsigmask(&attributes, &emptyMask), "posix_spawnattr_setsigmask", arguments[0])
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        try check(posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ), "posix_spawn", arguments[0])
        return pid
    }

    /// Waits for the child `pid` to end and returns its exit status (128 + the signal that
    /// ended it, as shells say).
    public static func wait(_ pid: pid_t) throws(SystemError) -> Int32 {
        var status: Int32 = 0
        try sys("waitpid", "process \(pid)") { waitpid(pid, &status, 0) }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Runs `arguments` to completion and returns its exit status, standard output and error.
    public static func run(_ arguments: [String]) throws(SystemError) -> (status: Int32, output: [UInt8], error: [UInt8]) {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        try sys("pipe", arguments[0]) { pipe(&outPipe) }
        defer { close(outPipe[0]) }
        do throws(SystemError) {
            try sys("pipe", arguments[0]) { pipe(&errPipe) }
        } catch {
            close(outPipe[1])
            throw error
        }
        // Neither end may leak into the child past the dup2s (nor into another child).
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        defer { close(errPipe[0]) }
        let pid: pid_t
        do throws(SystemError) {
            pid = try spawn(arguments, input: .null, output: .descriptor(outPipe[1]), error: .descriptor(errPipe[1]))
        } catch {
            close(outPipe[1])
            close(errPipe[1])
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        let output = drain(outPipe[0])
        let error = drain(errPipe[0])
        return (try wait(pid), output, error)
    }

    /// Runs `arguments` with this process's standard input, output and error (a progress bar
    /// shows where the listener looks) and returns its exit status.
    public static func runInheriting(_ arguments: [String]) throws(SystemError) -> Int32 {
        try wait(spawn(arguments))
    }

    /// Replaces this process with `arguments` (a front end handing a command on); returns only
    /// when that fails.
    public static func exec(_ arguments: [String]) -> SystemError {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv(arguments[0], &argv)
        let error = SystemError("execv", arguments[0])
        for p in argv { free(p) }
        return error
    }

    private static func drain(_ fd: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while let n = try? sys("read", "a pipe", { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }), n > 0 {
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// posix_spawn and its helpers return the error number instead of setting errno.
    private static func check(_ rc: Int32, _ call: String, _ subject: String) throws(SystemError) {
        guard rc == 0 else { throw SystemError(call, subject, code: rc) }
    }
}
