import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

/// A subcommand that sends one request and prints the reply as status (or JSON).
protocol SimpleCommand: ParsableCommand {
    var connection: ConnectionOptions { get }
    var command: Command { get }
    /// The daemon's refusal, with what this command can add to it.
    func explain(_ error: WireError) -> WireError
}

extension SimpleCommand {
    func explain(_ error: WireError) -> WireError { error }

    func run() throws {
        let reply = try connection.run { client throws(ClientError) in
            do throws(ClientError) {
                return try client.ask(command, PlaybackStatus.init(json:))
            } catch let .refused(error) {
                throw .refused(explain(error))
            }
        }
        TerminalText.print(connection.json ? reply.json.serialized : StatusView.status(reply.value))
    }
}

/// `next` and `prev` on an episode without chapters: say what they do and what goes to another
/// episode.
func explainNoChapters(_ error: WireError, command: Command) -> WireError {
    guard error.code == "no_chapters", command == .next || command == .prev else { return error }
    var explained = error
    explained.message += command == .next
        ? " `wdfctl next` moves between chapters; `wdfctl next-episode` goes to the next episode."
        : " `wdfctl prev` moves between chapters; `wdfctl prev-episode` goes to the previous episode."
    return explained
}
