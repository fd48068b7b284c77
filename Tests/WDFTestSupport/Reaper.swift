import Foundation

/// Every long-lived child the tests start (pulseaudio, pacat, parec, daemons, followers), by pid,
/// so that none outlives the test process: an atexit handler kills them on a normal exit, and a
/// watchdog shell (which sees EOF on a pipe when this process dies in any way) kills those still
/// listed. Pids are removed as soon as their process is known to have ended.
package final class Reaper: @unchecked Sendable {
    package static let shared = Reaper()

    private let lock = NSLock()
    private var pids: Set<Int32> = []
    private var pidFile: String?
    private var watchdog: ChildProcess?
    private var installed = false

    /// Installs the exit hooks; `directory` holds the list of live pids the watchdog reads.
    /// `removeDirectory`: also delete `directory` when the watchdog fires.
    package func install(directory: String, removeDirectory: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        let file = directory + "/live-pids"
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        pidFile = file
        atexit { Reaper.shared.killAll() }

        // The watchdog's stdin is a pipe whose only write end stays in this process (O_CLOEXEC,
        // so no child inherits it): EOF means this process is gone.
        guard let (readFD, writeFD) = try? ChildProcess.makePipe() else { return }
        let script = """
            while read -r _; do :; done
            pids=$(cat "$1" 2>/dev/null); [ -n "$pids" ] && kill -9 $pids 2>/dev/null
            [ -n "$2" ] && sleep 1 && rm -rf -- "$2"
            exit 0
            """
        watchdog = try? ChildProcess.spawn("/bin/sh", ["-c", script, "watchdog", file, removeDirectory ? directory : ""],
                                           environment: [:],
                                           stdin: readFD, register: false)
        if watchdog == nil { close(writeFD) }
        close(readFD)
        // writeFD stays open (deliberately leaked) for the life of the process.
    }

    package func register(_ pid: Int32) {
        lock.lock()
        pids.insert(pid)
        writeLocked()
        lock.unlock()
    }

    package func unregister(_ pid: Int32) {
        lock.lock()
        pids.remove(pid)
        writeLocked()
        lock.unlock()
    }

    private func writeLocked() {
        guard let pidFile else { return }
        let text = pids.sorted().map(String.init).joined(separator: " ") + "\n"
        try? text.write(toFile: pidFile, atomically: true, encoding: .utf8)
    }

    /// SIGTERM, then SIGKILL for anything still there after a moment.
    package func killAll() {
        lock.lock()
        let list = pids
        pids.removeAll()
        writeLocked()
        lock.unlock()
        for pid in list { kill(pid, SIGTERM) }
        let end = Deadline.now() + 1
        for pid in list {
            while kill(pid, 0) == 0, Deadline.now() < end {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { break }
                usleep(10_000)
            }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
    }
}
