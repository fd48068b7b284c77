import Glibc
import WDFCore

/// Starts `wdfplayd` in the background when nothing answers on the socket, and waits until it
/// listens (it writes one byte to a pipe we pass it: no polling, no sleeps).
public enum DaemonLauncher {
    /// Spawns the daemon detached (own session, stdin /dev/null, stdout and stderr to `logFile`)
    /// and returns once it is listening on `socketPath`.
    public static func start(socketPath: String, logFile: String, environment: [String: String],
                             timeoutSeconds: Int32 = 10) throws(ClientError) {
        guard let executable = Executable.sibling("wdfplayd", environment: environment) else {
            throw .connection("Cannot find wdfplayd beside wdfplay or on PATH.")
        }
        try? FileSystem.makeDirectory(FileSystem.directoryName(logFile), mode: 0o700)
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw .connection("Cannot create a pipe: \(String(cString: strerror(errno))).") }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])
        defer { close(readEnd) }
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc): a session of its own, so closing the terminal leaves it playing.
        posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGMASK))
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)

        let arguments = [executable, "--socket", socketPath, "--ready-fd", String(writeEnd)]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, &argv, environ)
        close(writeEnd)
        guard rc == 0 else { throw .connection("Cannot start \(executable): \(String(cString: strerror(rc))).") }

        // The daemon writes one byte once it listens; EOF without it means it exited.
        var pfd = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        var byte: UInt8 = 0
        while true {
            let ready = poll(&pfd, 1, timeoutSeconds * 1000)
            if ready < 0, errno == EINTR { continue }
            if ready == 0 { throw .connection("wdfplayd did not start within \(timeoutSeconds) s; see \(logFile).") }
            break
        }
        let n = read(readEnd, &byte, 1)
        if n == 1 { return }
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
        throw .connection("wdfplayd could not start: \(lastLine(of: logFile) ?? "see \(logFile)")")
    }

    private static func lastLine(of file: String) -> String? {
        guard let bytes = try? FileSystem.read(file, limit: 16 << 20) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let line = text.split(separator: "\n").last else { return nil }
        // Drop the log prefix ("2026-11-29 07:02:39.009 error wdf.daemon: ").
        if let label = line.firstRange(of: "wdf.daemon: ") { return String(line[label.upperBound...]) }
        return String(line)
    }
}
