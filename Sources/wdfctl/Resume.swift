import ArgumentParser
import WDFClient

struct Resume: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "Resume playing.", aliases: ["play"])
    @OptionGroup var connection: ConnectionOptions
    var command: String { "resume" }
}
