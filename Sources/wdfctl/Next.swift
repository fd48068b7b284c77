import ArgumentParser
import WDFClient
import WDFCore

struct Next: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "Go to the next chapter.")
    @OptionGroup var connection: ConnectionOptions
    var command: String { "next" }

    func explain(_ error: WireError) -> WireError { explainNoChapters(error, command: "next") }
}
