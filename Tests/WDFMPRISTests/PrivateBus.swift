import Glibc
import XCTest

/// A private session bus for one test (`dbus-daemon --session --fork`), ended by its pid.
final class PrivateBus {
    let address: String
    let pid: pid_t

    /// A new bus; at `socketPath` when given (so that a second one can come back at the same address).
    init(socketPath: String? = nil) throws {
        var argv = ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1", "--nopidfile"]
        if let socketPath {
            unlink(socketPath)
            argv.append("--address=unix:path=\(socketPath)")
        }
        let starter = try Child(argv)
        while starter.read() {}
        let status = starter.wait()
        let lines = starter.text.split(separator: "\n").map(String.init)
        guard status == 0, lines.count >= 2, let pid = pid_t(lines[1]) else {
            throw ChildError("dbus-daemon did not start (status \(status)): \(starter.text)")
        }
        address = lines[0]
        self.pid = pid
    }

    deinit { end() }

    private var ended = false

    /// Ends the bus (SIGTERM to its pid; it is not our child, so nothing to reap).
    func end() {
        guard !ended else { return }
        ended = true
        kill(pid, SIGTERM)
    }

    /// The environment that points a tool at this bus.
    var environment: [String: String] { ["DBUS_SESSION_BUS_ADDRESS": address] }
}

enum Clock {
    static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
