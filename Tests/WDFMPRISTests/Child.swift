import Foundation
import Glibc
import XCTest

/// A tool run by a test (playerctl, gdbus, dbus-monitor, dbus-daemon): standard output and error
/// in one pipe that the test's poll loop reads, standard input /dev/null. Ended by its pid.
final class Child {
    let pid: pid_t
    let command: String
    /// The read end of the pipe; -1 once it reached its end.
    private(set) var fd: Int32
    private(set) var output: [UInt8] = []
    private var status: Int32?

    var text: String { String(decoding: output, as: UTF8.self) }

    init(_ argv: [String], environment: [String: String] = [:]) throws {
        command = argv.joined(separator: " ")
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw ChildError("pipe: \(String(cString: strerror(errno)))") }
        // Not inherited by other children (dup2 gives this one its copies without the flag).
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, argv[0], &actions, nil, cArgs, cEnv)
        close(pipeFDs[1])
        guard rc == 0 else {
            close(pipeFDs[0])
            throw ChildError("\(argv[0]) could not be started: \(String(cString: strerror(rc)))")
        }
        pid = child
        fd = pipeFDs[0]
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            _ = wait()
        }
        if fd >= 0 { close(fd) }
    }

    /// Reads what is there (the poll loop saw the pipe readable); false at its end.
    @discardableResult
    func read() -> Bool {
        guard fd >= 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = Glibc.read(fd, &buffer, buffer.count)
        if n > 0 {
            output.append(contentsOf: buffer[0..<n])
            return true
        }
        if n < 0, errno == EINTR || errno == EAGAIN { return true }
        close(fd)
        fd = -1
        return false
    }

    /// Ends it (SIGTERM) and reaps it.
    func terminate() {
        guard status == nil else { return }
        kill(pid, SIGTERM)
        _ = wait()
    }

    /// Waits for it to exit; its exit status (128 + signal when killed).
    @discardableResult
    func wait() -> Int32 {
        if let status { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0, errno == EINTR {}
        let code = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        status = code
        return code
    }
}

struct ChildError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
