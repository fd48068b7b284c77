import ArgumentParser
import Glibc
import WDFCore
import WDFDaemon

@main
struct WDFPlayDaemon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wdfplayd",
        abstract: "The wdfplay daemon: plays podcast episodes through PulseAudio, controlled over a Unix socket.",
        discussion: """
            Listens on $XDG_RUNTIME_DIR/wdfplay/control.sock (or --socket, or $WDFPLAY_SOCKET) for JSON \
            requests, one per line (see Docs/protocol.md). Keeps each episode's position in \
            $XDG_STATE_HOME/wdfplay/. Logs to stderr. SIGTERM or SIGINT: save and exit; SIGHUP: reload the config.
            """,
        version: wdfplayVersion)

    @Option(help: "Control socket path.")
    var socket: String?

    @Option(help: "Configuration file (default: $XDG_CONFIG_HOME/wdfplay/config.toml).")
    var config: String?

    @Flag(name: .shortAndLong, help: "Log debug messages.")
    var verbose = false

    @Option(name: .customLong("ready-fd"), help: ArgumentHelp("Write one byte to this descriptor once listening.", visibility: .hidden))
    var readyFD: Int32?

    mutating func run() throws {
        let options = Daemon.Options(socketPath: socket, configPath: config, verbose: verbose,
                                     environment: Environment.current)
        let daemon: Daemon
        do {
            daemon = try Daemon(options: options)
        } catch {
            Log("wdf.daemon").error(error.message)
            throw ExitCode(1)
        }
        if let readyFD {
            var byte: UInt8 = 1
            _ = write(readyFD, &byte, 1)
            close(readyFD)
        }
        let status = daemon.run()
        if status != 0 { throw ExitCode(status) }
    }
}
