import Glibc
import WDFAudio
import WDFCore
import WDFPlatform
import WDFStore
import WDFLibrary
import WDFMPRIS

/// wdfplayd, put together: the `Engine` (the player's domain side, on a PulseAudio sink), the
/// `Library` (episodes, chapters, the feed), `Commands` (the protocol's handlers) and the
/// `Server` (socket, sessions, events) that runs them all on one thread; and the config file,
/// read at start and again on SIGHUP or `reload`.
public final class Daemon {
    public struct Options: Sendable {
        public var socketPath: String?
        public var configPath: String?
        public var verbose = false
        public var environment: [String: String]

        public init(socketPath: String? = nil, configPath: String? = nil, verbose: Bool = false,
                    environment: [String: String]) {
            self.socketPath = socketPath
            self.configPath = configPath
            self.verbose = verbose
            self.environment = environment
        }
    }

    let log = Log("wdf.daemon")
    let options: Options
    let configPath: String
    var config: Config
    let engine: Engine
    let library: Library
    let server: Server

    public init(options: Options) throws(DaemonError) {
        self.options = options
        let signals: SignalDescriptor
        do {
            signals = try SignalDescriptor([SIGTERM, SIGINT, SIGHUP])
        } catch {
            throw DaemonError("Cannot watch for signals: \(error.description)")
        }
        let paths = XDGPaths(environment: options.environment)
        configPath = options.configPath ?? paths.configFile
        config = try ConfigReader.load(path: configPath, environment: options.environment)
        Log.configure(threshold: options.verbose ? .debug : Log.Level(name: config.logLevel.rawValue) ?? .info,
                      environment: options.environment)
        let socketPath = paths.socketPath(override: options.socketPath, environment: options.environment)
        // The socket first: a second daemon stops here, before it touches the state files or
        // the sound server.
        let listening: Int32
        var socketFromSystemd = false
        if let inherited = SocketActivation.listeningSocket(environment: options.environment) {
            listening = inherited
            socketFromSystemd = true
        } else {
            listening = try UnixSocket.listen(at: socketPath,
                                              privateDirectory: FileSystem.directoryName(socketPath) == paths.runtimeDirectory)
        }
        let playerEvents: Mailbox<PlayerEvent>
        let sink: PulseSink
        do throws(DaemonError) {
            playerEvents = try Mailbox<PlayerEvent>()
            do {
                sink = try PulseSink(applicationName: "wdfplay", device: config.audioDevice, volumePercent: config.volume)
            } catch {
                throw DaemonError(error.message)
            }
        } catch {
            close(listening)
            if !socketFromSystemd { unlink(socketPath) }
            throw error
        }
        library = Library(paths: paths, config: config, configPath: configPath, environment: options.environment)
        engine = Engine(config: config, stateDirectory: paths.stateDirectory, clock: SystemClock(), sink: sink,
                        playerEvents: { playerEvents.post($0) })
        let reserve = DescriptorReserve()
        engine.host = library
        engine.reserve = reserve
        library.positions = { [unowned engine] in engine.store }
        let commands = Commands(engine: engine, library: library)
        server = Server(listenFD: listening, socketFromSystemd: socketFromSystemd, socketPath: socketPath, signals: signals,
                        playerEvents: playerEvents, notifier: SystemdNotifier(environment: options.environment),
                        engine: engine, library: library, commands: commands, reserve: reserve)
        commands.onQuit = { [unowned server] in server.running = false }
        let desktop = EngineMPRIS(engine: engine, library: library, commands: commands, cacheDirectory: paths.cacheDirectory)
        desktop.onQuit = { [unowned server] in server.running = false }
        server.mpris = MPRISService(player: desktop)
        server.notification = { [unowned desktop] in desktop.notification }
        commands.onReload = { [unowned self] in self.reloadConfig() }
        server.onReload = { [unowned self] in self.reloadConfig() }
        do {
            try sink.connect()
        } catch {
            // Not fatal: the first play tries again and says why if it still cannot.
            log.warning("\(error.message) Playing will retry.")
        }
        log.info(socketFromSystemd ? "listening on the socket passed by systemd" : "listening on \(socketPath)")
    }

    /// Serves until `quit` or SIGTERM/SIGINT; returns the exit status.
    public func run() -> Int32 { server.run() }

    /// Reads the config file again; nil when it was read, else why not (the old settings stay).
    @discardableResult
    func reloadConfig() -> DaemonError? {
        do {
            let previous = config
            config = try ConfigReader.load(path: configPath, environment: options.environment)
            Log.configure(threshold: options.verbose ? .debug : Log.Level(name: config.logLevel.rawValue) ?? .info,
                          environment: options.environment)
            library.config = config
            // Every key takes effect now; the sink and the volume move the stream in play too.
            var changes: [String] = []
            if previous.volume != config.volume { changes.append("volume \(previous.volume) → \(config.volume)") }
            if previous.audioDevice != config.audioDevice {
                changes.append("audio_device \"\(previous.audioDevice)\" → \"\(config.audioDevice)\"")
            }
            if let error = engine.apply(config) {
                log.error("\(error.message) (key `audio_device` in \(configPath))")
            }
            log.info("reloaded \(configPath)" + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", ")))
            return nil
        } catch {
            log.error("\(error.message) Keeping the previous configuration.")
            return error
        }
    }
}
