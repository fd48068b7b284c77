import ArgumentParser
import WDFClient
import WDFProtocol

struct Toggle: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "Pause if playing, else resume (when stopped: the last episode again, or the next one).")
    @OptionGroup var connection: ConnectionOptions
    var command: Command { .toggle }
}
