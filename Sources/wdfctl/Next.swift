import ArgumentParser
import WDFClient

struct Next: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "Go to the next chapter.")
    @OptionGroup var connection: ConnectionOptions
    var command: String { "next" }
}
