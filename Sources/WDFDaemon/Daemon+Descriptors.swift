import Glibc
import WDFCore

/// Open files. The soft limit is raised to the hard one at start; clients are capped below it so
/// that saving, the episode and the library walk always find descriptors; past the cap the
/// longest-idle client makes room; and should `accept` still run out (EMFILE), a spare
/// descriptor is given up to take the waiting connection off the queue and refuse it, and the
/// loop stops listening for a moment rather than spin on a socket it cannot accept from.
extension Daemon {
    /// Descriptors kept free of clients: positions.json and its folder while saving, the episode
    /// and the one queued after it, the library walk (a folder per level), inotify, the pipes to
    /// wdfplay-config, the sound server's.
    static let reservedDescriptors = 32
    /// At most this many clients, however high the limit.
    static let maximumClients = 4096
    /// How long the loop leaves the listening socket alone after `accept` ran out of descriptors.
    static let acceptPause = 0.25

    /// Raises the soft limit on open files to the hard one and returns how many clients fit under it.
    func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            log.warning("Cannot read the open-files limit: \(String(cString: strerror(errno))); allowing 64 clients.")
            return 64
        }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 {
                limit = raised
            } else {
                log.warning("Cannot raise the open-files limit to \(limit.rlim_max): \(String(cString: strerror(errno))).")
            }
        }
        let soft = limit.rlim_cur == rlim_t.max ? Daemon.maximumClients * 2 : Int(clamping: limit.rlim_cur)
        let room = soft - Daemon.openDescriptorCount() - Daemon.reservedDescriptors
        let clients = max(4, min(Daemon.maximumClients, room))
        log.debug("open-files limit \(soft): up to \(clients) clients")
        return clients
    }

    /// Entries in /proc/self/fd (the directory's own included), or 64 when it cannot be read.
    static func openDescriptorCount() -> Int {
        guard let dir = opendir("/proc/self/fd") else { return 64 }
        defer { closedir(dir) }
        var count = 0
        while readdir(dir) != nil { count += 1 }
        return max(0, count - 2)  // "." and ".."
    }

    /// A descriptor on /dev/null, held to be given back when `accept` runs out.
    static func openSpare() -> Int32 {
        open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    /// True while the loop should not poll the listening socket.
    var acceptIsPaused: Bool {
        guard let until = acceptPausedUntil else { return false }
        if Daemon.now() >= until {
            acceptPausedUntil = nil
            return false
        }
        return true
    }

    /// Before accepting past `clientLimit`: drops the idle client heard from longest ago (one
    /// that never subscribed first). False when every client is busy.
    func makeRoomForClient() -> Bool {
        let idle = sessions.values.filter { $0.unsent == 0 && $0.input.isEmpty && !$0.discardingLongLine && !$0.closing }
        guard let victim = idle.min(by: { ($0.subscribed ? 1 : 0, $0.lastInput) < ($1.subscribed ? 1 : 0, $1.lastInput) }) else {
            return false
        }
        log.warning("\(sessions.count) clients, the most this daemon takes: closing client \(victim.id), idle the longest")
        victim.abandonBacklog(with: reply(id: .null, error: Daemon.tooManyClients(
            "The daemon has \(sessions.count) connections, as many as it takes; closing this idle one.")))
        drop(victim)
        return true
    }

    static func tooManyClients(_ message: String) -> WireError {
        WireError("too_many_clients", message)
    }

    /// `accept` failed for want of descriptors: takes the waiting connection off the queue with
    /// the spare descriptor and refuses it, then pauses accepting briefly (no busy loop).
    func acceptRanOut(_ code: Int32) {
        if !acceptRanOutLogged {
            log.error("Cannot accept a connection: \(String(cString: strerror(code))). Refusing new ones while that lasts.")
            acceptRanOutLogged = true
        }
        if spareFD >= 0 {
            close(spareFD)
            spareFD = -1
            let fd = accept(listenFD, nil, nil)
            if fd >= 0 {
                var line = reply(id: .null, error: Daemon.tooManyClients(
                    "The daemon is out of file descriptors; try again in a moment.")).serializedBytes
                line.append(0x0A)
                _ = line.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                close(fd)
            }
            spareFD = Daemon.openSpare()
        }
        acceptPausedUntil = Daemon.now() + Daemon.acceptPause
    }

    /// Runs `body` (a save); when it fails, once more with the spare descriptor given up.
    func withSpareDescriptor<T>(_ body: () throws(SystemError) -> T) throws(SystemError) -> T {
        do {
            return try body()
        } catch {
            guard spareFD >= 0 else { throw error }
            close(spareFD)
            spareFD = -1
            defer { spareFD = Daemon.openSpare() }
            return try body()
        }
    }
}
