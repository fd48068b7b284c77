import Foundation

/// A child process started with posix_spawn (not Foundation's Process: PulseAudio closes the
/// descriptors it inherits, which makes Foundation believe it exited and block in waitpid, and
/// with it every later Process). Standard input is /dev/null; every descriptor above 2 is closed
/// in the child. The child is reaped only here. `run` (ChildProcess+Run.swift) runs a command to
/// completion in a process group of its own.
package final class ChildProcess: @unchecked Sendable {
    package enum Output {
        case null
        /// Appended to the file (created if needed).
        case file(String)
        /// This descriptor (dup2'ed; the caller keeps and closes its copy).
        case descriptor(Int32)
    }

    package struct SpawnError: Error, CustomStringConvertible {
        package var description: String
    }

    package let pid: pid_t
    package let command: String
    package let started: Double
    /// Guards `exitStatus` and `killedByLimit` (the runner's waiter and killer take it too).
    let lock = NSLock()
    var exitStatus: Int32?
    /// Set by the runner when its time limit killed the process group.
    var killedByLimit = false

    private init(pid: pid_t, command: String, started: Double) {
        self.pid = pid
        self.command = command
        self.started = started
    }

    /// Starts `executable`; `register` puts it on the Reaper's list until it is reaped.
    /// `processGroup`: in a new process group of its own (whose id is its pid), so that what it
    /// leaves behind can be ended with it (`run`).
    package static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                              stdin: Int32? = nil, stdout: Output = .null, stderr: Output = .null,
                              register: Bool = true, processGroup: Bool = false) throws -> ChildProcess {
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
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if processGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

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
    package var status: Int32? {
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

    package var isRunning: Bool { status == nil }

    package static func decode(_ raw: Int32) -> Int32 {
        (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    }

    package func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits (polling every 5 ms) until it exits; returns the status, or nil on timeout.
    @discardableResult
    package func awaitExit(timeout: Double) async throws -> Int32? {
        let end = Deadline.now() + timeout
        while true {
            if let status { return status }
            if Deadline.now() > end { return nil }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    /// SIGTERM, then SIGKILL after `grace` seconds.
    package func stop(grace: Double = 2) async {
        signal(SIGTERM)
        if (try? await awaitExit(timeout: grace)) ?? nil == nil {
            signal(SIGKILL)
            _ = try? await awaitExit(timeout: 5)
        }
    }

    /// A pipe whose two ends are close-on-exec (a child gets one only through dup2).
    package static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}
