import Glibc
import WDFCore
import WDFPlatform

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

        let arguments = [executable, "--socket", socketPath, "--ready-fd", String(writeEnd)]
        let pid: pid_t
        do throws(SystemError) {
            // A session of its own, so closing the terminal leaves it playing.
            pid = try Executable.spawn(arguments, input: .null, output: .appending(logFile), error: .standardOutput,
                                       newSession: true)
            close(writeEnd)
        } catch {
            close(writeEnd)
            throw .connection("Cannot start \(executable): \(error.reason).")
        }

        // The daemon writes one byte once it listens; EOF without it means it exited.
        var pfd = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        var byte: UInt8 = 0
        let ready = try? sys("poll", "the start-up pipe") { poll(&pfd, 1, timeoutSeconds * 1000) }
        if ready == 0 { throw .connection("wdfplayd did not start within \(timeoutSeconds) s; see \(logFile).") }
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
