import ArgumentParser
import WDFClient
import WDFCore

/// A subcommand that sends one request and prints the reply as status (or JSON).
protocol SimpleCommand: ParsableCommand {
    var connection: ConnectionOptions { get }
    var command: String { get }
    var arguments: [(String, JSON)] { get }
}

extension SimpleCommand {
    var arguments: [(String, JSON)] { [] }

    func run() throws {
        let reply = try connection.run { client throws(ClientError) in try client.call(command, arguments) }
        TerminalText.print(connection.json ? reply.serialized : StatusView.status(reply))
    }
}
