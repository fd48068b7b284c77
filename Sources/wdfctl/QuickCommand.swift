import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

/// `wdfctl status|pause|resume|play|toggle|next|prev|stop [--json] [--socket PATH]`, run without
/// ArgumentParser.
enum QuickCommand {
    static let simple: [String: Command] = [
        "status": .status, "pause": .pause, "resume": .resume, "play": .resume, "toggle": .toggle,
        "next": .next, "prev": .prev, "previous": .prev, "stop": .stop,
    ]

    /// The exit status, or nil when the arguments are not one of the quick forms.
    static func run(_ arguments: [String]) -> Int32? {
        guard let name = arguments.first, let command = simple[name] else { return nil }
        var json = false
        var socketOverride: String?
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            switch argument {
            case "--json" where !json: json = true
            case "--socket" where socketOverride == nil && rest.first.map({ !$0.hasPrefix("-") }) == true:
                socketOverride = rest.popFirst()
            case _ where argument.hasPrefix("--socket=") && socketOverride == nil:
                socketOverride = String(argument.dropFirst("--socket=".count))
            default:
                return nil  // anything else: the full parser (and its messages)
            }
        }
        let environment = Environment.current
        let socket = XDGPaths(environment: environment).socketPath(override: socketOverride, environment: environment)
        do throws(ClientError) {
            let reply: (json: JSON, value: PlaybackStatus)
            do throws(ClientError) {
                reply = try ControlClient(socketPath: socket).ask(command, PlaybackStatus.init(json:))
            } catch let .refused(error) {
                throw .refused(explainNoChapters(error, command: command))
            }
            TerminalText.print(json ? reply.json.serialized : StatusView.status(reply.value))
            return 0
        } catch {
            error.report(json: json)
            return error.exitCode
        }
    }
}
