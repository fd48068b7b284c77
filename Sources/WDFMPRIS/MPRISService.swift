import Glibc
import WDFCore
import WDFPlatform

/// The player on the session bus as `org.mpris.MediaPlayer2.wdfplay` (MPRIS 2.2: the root and
/// Player interfaces at `/org/mpris/MediaPlayer2`), so that media keys, headset buttons, desktop
/// widgets, KDE Connect and `playerctl` drive it.
///
/// No thread and no timer: the owner's poll loop polls `pollDescriptor` with at most
/// `pollTimeout` and calls `process()` when it returns; an idle connection asks for no timeout,
/// so a paused daemon does not wake up. The owner calls `stateChanged()` after anything that may
/// change what the player shows (cheap: it compares, and emits `PropertiesChanged` only for what
/// changed) and `seeked()` after every jump in position. Without a session bus it logs one line
/// and stays off; a bus that goes away is tried again on a later change (at most once per
/// `Options.reconnectInterval`).
///
/// Everything runs on the thread of that poll loop.
public final class MPRISService {
    public static let busName = "org.mpris.MediaPlayer2.wdfplay"
    public static let objectPath = "/org/mpris/MediaPlayer2"
    static let rootInterface = "org.mpris.MediaPlayer2"
    static let playerInterface = "org.mpris.MediaPlayer2.Player"

    public struct Options: Sendable {
        /// `Identity`: the name widgets show.
        public var identity = "wdfplay"
        /// `DesktopEntry` (the .desktop file's name without `.desktop`), when one is installed.
        public var desktopEntry: String?
        /// A D-Bus address; nil: the session bus as sd-bus finds it (`DBUS_SESSION_BUS_ADDRESS`,
        /// else `$XDG_RUNTIME_DIR/bus`).
        public var address: String?
        /// The least time between two attempts to connect after the bus was missing or went away.
        public var reconnectInterval = 10.0

        public init(identity: String = "wdfplay", desktopEntry: String? = nil, address: String? = nil,
                    reconnectInterval: Double = 10) {
            self.identity = identity
            self.desktopEntry = desktopEntry
            self.address = address
            self.reconnectInterval = reconnectInterval
        }
    }

    /// Where the service stands.
    public enum Status: Equatable, Sendable {
        /// Not started.
        case idle
        /// No bus (the sentence says why).
        case off(String)
        /// Connected; `busName` is set once the bus has given the name.
        case connected
        /// The connection went away (why); tried again on a later change.
        case lost(String)
    }

    /// Where a line of the service's log goes (level, sentence).
    public typealias LogSink = (Log.Level, String) -> Void

    let player: any MPRISPlayer
    let options: Options
    let log: LogSink
    var connection: BusConnection?
    /// What `PropertiesChanged` last announced (or the state when connected).
    var announced: MPRISState?
    private var lastAttempt: Double?
    public private(set) var status: Status = .idle
    /// The well-known name the bus gave: `busName`, or `busName.instance<pid>` when another
    /// wdfplay has it. Nil until then.
    public internal(set) var ownedName: String?
    /// The id of the last desktop notification shown (0: none), which the next one replaces.
    var lastNotification: UInt32 = 0

    public init(player: any MPRISPlayer, options: Options = Options(), log: LogSink? = nil) {
        self.player = player
        self.options = options
        let log = log ?? MPRISService.writeLog
        self.log = log
        self.interfaces = MPRISInterfaces.all(options)
        self.object = MPRISObject(player: player, options: options, log: log)
    }

    let interfaces: [BusInterface]
    /// What the bus calls (held here: the bus's table holds it weakly).
    private let object: MPRISObject

    private static func writeLog(_ level: Log.Level, _ message: String) {
        let log = Log("wdf.mpris")
        switch level {
        case .error: log.error(message)
        case .warning: log.warning(message)
        case .notice: log.notice(message)
        case .info: log.info(message)
        case .debug, .trace: log.debug(message)
        }
    }

    // MARK: life

    /// Connects and asks for the name. Without a session bus: one line in the log, and the
    /// service stays off (`status` says why).
    public func start() {
        guard case .idle = status else { return }
        connect(quietly: false)
    }

    /// Closes the connection (the name goes with it).
    public func stop() {
        connection = nil
        ownedName = nil
        status = .idle
    }

    private func connect(quietly: Bool) {
        lastAttempt = MPRISService.now()
        do throws(MPRISError) {
            // Again: without the old server's guid, or a bus that came back (a new guid) is refused.
            let opened = try BusConnection(address: quietly ? options.address.map(MPRISService.withoutGUID) : options.address)
            try opened.add(object: MPRISService.objectPath, interfaces: interfaces, handler: object)
            try opened.requestName(MPRISService.busName) { [weak self] answer in self?.named(MPRISService.busName, answer) }
            connection = opened
            announced = player.mprisState
            status = .connected
            if quietly { log(.notice, "Connected to the session bus again.") }
        } catch {
            connection = nil
            status = .off(error.description)
            log(quietly ? .debug : .warning, error.description)
        }
    }

    /// The bus's answer to a name request: ours, or taken (then the spec's per-instance name).
    private func named(_ name: String, _ answer: Result<UInt32, MPRISError>) {
        switch answer {
        case .success(1), .success(4):
            ownedName = name
            log(.info, "On the session bus as \(name).")
        case .success where name == MPRISService.busName:
            let instance = "\(MPRISService.busName).instance\(getpid())"
            log(.notice, "\(name) is taken by another player on the session bus; asking for \(instance).")
            do throws(MPRISError) {
                try connection?.requestName(instance) { [weak self] answer in self?.named(instance, answer) }
            } catch {
                log(.warning, "MPRIS is off: \(error.description)")
            }
        case let .success(code):
            log(.warning, "The session bus did not give the name \(name) (reply \(code)); MPRIS is off.")
        case let .failure(error):
            log(.warning, "The session bus did not give the name \(name): \(error.description)")
        }
    }

    /// The connection failed: drop it, say so once, and try again on a later change.
    func lose(_ error: MPRISError) {
        guard connection != nil else { return }
        connection = nil
        ownedName = nil
        status = .lost(error.description)
        log(.warning, "Lost the session bus (\(error.description)); MPRIS comes back on a later change of state.")
    }

    /// Connects again if the bus was missing or lost and the last attempt is old enough. Called
    /// on changes only: no timer, no busy retry.
    func reconnectIfDue() {
        switch status {
        case .off, .lost: break
        case .idle, .connected: return
        }
        if let lastAttempt, MPRISService.now() - lastAttempt < options.reconnectInterval { return }
        connect(quietly: true)
    }

    // MARK: the poll loop

    /// The descriptor to poll and for what; nil while off.
    public var pollDescriptor: pollfd? {
        guard let connection else { return nil }
        let fd = connection.fd
        return fd < 0 ? nil : pollfd(fd: fd, events: connection.events, revents: 0)
    }

    /// The longest the loop may sleep, in milliseconds; -1 for as long as it likes.
    public var pollTimeout: Int32 { connection?.pollTimeout ?? -1 }

    /// Handles what the bus sent (after `poll` reported the descriptor, or its timeout passed),
    /// then announces what the calls changed.
    public func process() {
        guard let connection else { return }
        do throws(MPRISError) {
            try connection.process()
        } catch {
            lose(error)
            return
        }
        stateChanged()
    }

    /// A D-Bus address (`unix:path=/run/user/1000/bus,guid=…;tcp:…`) without its `guid` keys.
    static func withoutGUID(_ address: String) -> String {
        address.split(separator: ";", omittingEmptySubsequences: false).map { entry -> String in
            guard let colon = entry.firstIndex(of: ":") else { return String(entry) }
            let keys = entry[entry.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("guid=") }
            return entry[...colon] + keys.joined(separator: ",")
        }.joined(separator: ";")
    }

    static func now() -> Double { MonotonicClock.now() }
}
