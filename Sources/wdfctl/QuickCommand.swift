import WDFClient
import WDFCore

/// `wdfctl status|pause|resume|play|toggle|next|prev|stop [--json]`, run without ArgumentParser.
enum QuickCommand {
    static let simple: [String: String] = [
        "status": "status", "pause": "pause", "resume": "resume", "play": "resume", "toggle": "toggle",
        "next": "next", "prev": "prev", "previous": "prev", "stop": "stop",
    ]

    /// The exit status, or nil when the arguments are not one of the quick forms.
    static func run(_ arguments: [String]) -> Int32? {
        guard let name = arguments.first, let command = simple[name] else { return nil }
        let rest = arguments.dropFirst()
        guard rest.allSatisfy({ $0 == "--json" }), rest.count <= 1 else { return nil }
        let json = rest.count == 1
        let environment = Environment.current
        let socket = XDGPaths(environment: environment).socketPath(override: nil, environment: environment)
        do throws(ClientError) {
            let reply = try ControlClient(socketPath: socket).call(command)
            print(json ? reply.serialized : StatusView.status(reply))
            return 0
        } catch {
            printError(error.description)
            return error.exitCode
        }
    }
}
