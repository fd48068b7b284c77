import Foundation

/// A child process started with posix_spawn (not Foundation's Process: PulseAudio closes the
/// descriptors it inherits, which makes Foundation believe it exited and block in waitpid, and
/// with it every later Process). Standard input is /dev/null; every descriptor above 2 is closed
/// in the child. The child is reaped only here.
final class ChildProcess: @unchecked Sendable {
    enum Output {
        case null
        /// Appended to the file (created if needed).
        case file(String)
        /// This descriptor (dup2'ed; the caller keeps and closes its copy).
        case descriptor(Int32)
    }

    struct Result: CustomStringConvertible, Sendable {
        var command: String
        var status: Int32
        var stdout: String
        var stderr: String
        /// Monotonic times at which it was started and reaped.
        var started: Double
        var ended: Double

        var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
        var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
        var json: JSONValue { JSONValue(text: stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? JSONValue(nil) }

        var description: String {
            "`\(command)` exited \(status)\n  stdout: \(stdout.trimmingCharacters(in: .newlines))\n  stderr: \(stderr.trimmingCharacters(in: .newlines))"
        }
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    let pid: pid_t
    let command: String
    let started: Double
    private let lock = NSLock()
    private var exitStatus: Int32?

    private init(pid: pid_t, command: String, started: Double) {
        self.pid = pid
        self.command = command
        self.started = started
    }

    /// Starts `executable`; `register` puts it on the Reaper's list until it is reaped.
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                      stdin: Int32? = nil, stdout: Output = .null, stderr: Output = .null,
                      register: Bool = true) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        for (fd, output) in [(Int32(1), stdout), (Int32(2), stderr)] {
            switch output {
            case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
            case let .file(path): posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            case let .descriptor(source): posix_spawn_file_actions_adddup2(&actions, source, fd)
            }
        }
        if let closeFrom = ChildProcess.addCloseFrom { _ = closeFrom(&actions, 3) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default signal handling and an empty mask, whatever the test runner set up.
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        let command = ([URL(fileURLWithPath: executable).lastPathComponent] + arguments).joined(separator: " ")
        guard rc == 0 else { throw SpawnError(description: "cannot start \(command): \(String(cString: strerror(rc)))") }
        if register { Reaper.shared.register(pid) }
        return ChildProcess(pid: pid, command: command, started: Deadline.now())
    }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), which Swift's Glibc module
    /// does not export.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// The exit status (128+N when killed by signal N), reaping it if it has ended; nil while it runs.
    var status: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var raw: Int32 = 0
        let rc = waitpid(pid, &raw, WNOHANG)
        guard rc == pid else { return nil }
        exitStatus = ChildProcess.decode(raw)
        Reaper.shared.unregister(pid)
        return exitStatus
    }

    var isRunning: Bool { status == nil }

    static func decode(_ raw: Int32) -> Int32 {
        (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    }

    func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits (polling every 5 ms) until it exits; returns the status, or nil on timeout.
    @discardableResult
    func awaitExit(timeout: Double) async throws -> Int32? {
        let end = Deadline.now() + timeout
        while true {
            if let status { return status }
            if Deadline.now() > end { return nil }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    /// SIGTERM, then SIGKILL after `grace` seconds.
    func stop(grace: Double = 2) async {
        signal(SIGTERM)
        if (try? await awaitExit(timeout: grace)) ?? nil == nil {
            signal(SIGKILL)
            _ = try? await awaitExit(timeout: 5)
        }
    }

    /// A pipe whose two ends are close-on-exec (a child gets one only through dup2).
    static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// Runs a helper to completion, blocking this thread; returns its status and standard output.
    /// One still running after `timeout` seconds is killed (status 128+9), so a wedged server
    /// cannot stall the test.
    static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String],
                            scratch: URL, timeout: Double = 10) throws -> (status: Int32, output: String) {
        let outPath = scratch.appendingPathComponent("out-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        let child = try spawn(executable, arguments, environment: environment, stdout: .file(outPath))
        let end = Deadline.now() + timeout
        while child.status == nil {
            if Deadline.now() > end { child.signal(SIGKILL) }
            usleep(2_000)
        }
        return (child.status ?? -1, (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "")
    }

    struct TimedOut: Error, CustomStringConvertible {
        var command: String
        var description: String { "`\(command)` did not finish in time and was killed" }
    }

    /// Runs `executable` with `arguments` to completion (killed after `timeout`); standard output
    /// and error go to files in `scratch` (not pipes, so that a daemon the child leaves behind
    /// cannot hold them open). The end time is taken when a thread blocked in waitpid returns.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String],
                    scratch: URL, timeout: Double = 20) async throws -> Result {
        let id = UUID().uuidString.prefix(8)
        let outPath = scratch.appendingPathComponent("out-\(id)").path
        let errPath = scratch.appendingPathComponent("err-\(id)").path
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let child = try spawn(executable.path, arguments, environment: environment,
                              stdout: .file(outPath), stderr: .file(errPath))
        let pid = child.pid
        let ended: Double = await withCheckedContinuation { continuation in
            let thread = Thread {
                // Wait without reaping, then reap under the lock: the killer below never sends a
                // signal to a pid that is no longer ours.
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
                let ended = Deadline.now()
                child.lock.withLock {
                    var raw: Int32 = 0
                    while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
                    child.exitStatus = decode(raw)
                }
                continuation.resume(returning: ended)
            }
            thread.start()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                child.lock.withLock {
                    if child.exitStatus == nil { kill(pid, SIGKILL) }
                }
            }
        }
        Reaper.shared.unregister(pid)
        let raw = child.lock.withLock { child.exitStatus ?? -1 }
        let status = raw
        if status == 128 + SIGKILL, ended - child.started >= timeout - 0.1 { throw TimedOut(command: child.command) }
        return Result(command: child.command, status: status,
                      stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                      started: child.started, ended: ended)
    }
}
