import Glibc
import WDFCore
import WDFPlatform

/// Open files. The soft limit is raised to the hard one at start; clients are capped below it so
/// that saving, the episode and the library walk always find descriptors; and one spare
/// descriptor is held, given up for a save that ran out or to take a waiting connection off the
/// queue when `accept` runs out (see `Server.acceptRanOut`).
final class DescriptorReserve {
    /// Descriptors kept free of clients: positions.json and its folder while saving, the episode
    /// and the one queued after it, the library walk (a folder per level), inotify, the pipes to
    /// wdfplay-config, the sound server's.
    static let reservedDescriptors = 32
    /// At most this many clients, however high the limit.
    static let maximumClients = 4096

    private let log = Log("wdf.daemon")
    /// Held for the moment descriptors run out.
    private var spareFD: Int32 = -1

    init() {}

    deinit { if spareFD >= 0 { close(spareFD) } }

    /// Raises the soft limit on open files to the hard one and returns how many clients fit under it.
    func raiseLimit() -> Int {
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
        let soft = limit.rlim_cur == rlim_t.max ? DescriptorReserve.maximumClients * 2 : Int(clamping: limit.rlim_cur)
        let room = soft - DescriptorReserve.openDescriptorCount() - DescriptorReserve.reservedDescriptors
        let clients = max(4, min(DescriptorReserve.maximumClients, room))
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

    /// Takes the spare descriptor (on /dev/null) if none is held.
    func holdSpare() {
        if spareFD < 0 { spareFD = open("/dev/null", O_RDONLY | O_CLOEXEC) }
    }

    /// Gives the spare descriptor up (one more is free); false when none was held.
    func releaseSpare() -> Bool {
        guard spareFD >= 0 else { return false }
        close(spareFD)
        spareFD = -1
        return true
    }

    /// Runs `body` (a save); when it fails, once more with the spare descriptor given up.
    func withSpareDescriptor<T>(_ body: () throws(SystemError) -> T) throws(SystemError) -> T {
        do {
            return try body()
        } catch {
            guard releaseSpare() else { throw error }
            defer { holdSpare() }
            return try body()
        }
    }
}
