import ArgumentParser
import WDFClient
import WDFProtocol

struct Resume: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "Resume playing; when stopped, play the last episode again (the next one once it is finished).", aliases: ["play"])
    @OptionGroup var connection: ConnectionOptions
    var command: Command { .resume }
}
