import ArgumentParser
import WDFClient
import WDFCore

struct Seek: SimpleCommand {
    static let configuration = CommandConfiguration(
        abstract: "Go to a time: SS, MM:SS or HH:MM:SS; +30 or -15 (also +1:30) to move relative.")
    // `.allUnrecognized` lets `-15` through as the time instead of an unknown option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Where to go.", valueName: "TIME"))
    var times: [String] = []
    @OptionGroup var connection: ConnectionOptions
    var time: String { times.first ?? "" }
    var command: String { "seek" }

    func validate() throws {
        guard times.count == 1 else { throw ValidationError("Give one time: SS, MM:SS, HH:MM:SS, or +SS / -SS.") }
        if TimeFormat.parse(time) == nil {
            throw ValidationError("\"\(time)\" is not a time; use SS, MM:SS, HH:MM:SS, or +SS / -SS.")
        }
    }

    var arguments: [(String, JSON)] {
        switch TimeFormat.parse(time) {
        case let .absolute(seconds)?: return [("position", .number(seconds))]
        case let .relative(seconds)?: return [("offset", .number(seconds))]
        case nil: return []
        }
    }
}
