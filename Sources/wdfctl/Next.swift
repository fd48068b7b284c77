import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore

struct Next: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "Go to the next chapter.")
    @OptionGroup var connection: ConnectionOptions
    var command: Command { .next }

    func explain(_ error: WireError) -> WireError { explainNoChapters(error, command: command) }
}
