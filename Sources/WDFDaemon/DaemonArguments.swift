import WDFCore
import WDFPlatform

/// wdfplayd's command line, parsed by hand: the daemon stays resident, and swift-argument-parser
/// would bring FoundationEssentials and reflection-driven start-up into it for four flags.
public struct DaemonArguments: Equatable, Sendable {
    public var socket: String?
    public var config: String?
    public var verbose = false
    /// Write one byte here once listening (used by `wdfplay` when it starts the daemon).
    public var readyFD: Int32?
    public var help = false
    public var version = false

    public static let usage = """
        USAGE: wdfplayd [--socket PATH] [--config FILE] [--verbose]

        The wdfplay daemon: plays podcast episodes through PulseAudio, controlled over a Unix socket.

        Listens on $XDG_RUNTIME_DIR/wdfplay/control.sock (or --socket, or $WDFPLAY_SOCKET) for JSON
        requests, one per line (Docs/protocol.md). Keeps each episode's position in
        $XDG_STATE_HOME/wdfplay/. Logs to stderr. SIGTERM or SIGINT: save and exit; SIGHUP: reload
        the configuration.

        OPTIONS:
          --socket PATH     Control socket path.
          --config FILE     Configuration file (default: $XDG_CONFIG_HOME/wdfplay/config.toml).
          -v, --verbose     Log debug messages.
          --version         Show the version.
          -h, --help        Show this help.
        """

    public init() {}

    /// Parses `arguments` (without the program name); the error is one sentence.
    public init(_ arguments: [String]) throws(DaemonError) {
        var rest = arguments[...]
        func value(_ flag: String, _ inline: String?) throws(DaemonError) -> String {
            if let inline { return inline }
            guard let next = rest.popFirst(), !next.hasPrefix("--") || next == "--" else {
                throw DaemonError("wdfplayd: \(flag) needs a value.")
            }
            return next
        }
        while let argument = rest.popFirst() {
            var flag = argument
            var inline: String?
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                flag = String(argument[..<eq])
                inline = String(argument[argument.index(after: eq)...])
            }
            switch flag {
            case "--socket": socket = try value(flag, inline)
            case "--config": config = try value(flag, inline)
            case "--ready-fd":
                let text = try value(flag, inline)
                guard let fd = Int32(text), fd > 2 else { throw DaemonError("wdfplayd: --ready-fd needs a descriptor number above 2, not \"\(text)\".") }
                readyFD = fd
            case "-v", "--verbose": verbose = true
            case "-h", "--help": help = true
            case "--version": version = true
            default: throw DaemonError("wdfplayd: unknown argument \"\(argument)\"; see wdfplayd --help.")
            }
        }
    }
}
