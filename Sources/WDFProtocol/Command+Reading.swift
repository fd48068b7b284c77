import WDFCore

extension Command {
    /// Reads the command named `name` and its arguments from the request object `body`, with the
    /// daemon's refusals: `unknown_command` for a name it does not have, `bad_argument` (one
    /// sentence naming the argument) for a value of the wrong type or out of range. Arguments are
    /// checked in the order the daemon has always checked them, so a request with two mistakes
    /// gets the same one named.
    public static func read(name: String, body: JSON) throws(WireError) -> Command {
        let a = Arguments(body: body)
        switch name {
        case "play":
            let from = try a.number("from")
            let restart = try a.bool("restart") ?? false
            if let from, from < 0 { throw .badArgument("\"from\" must not be negative.") }
            return .play(try a.selection(), from: from, restart: restart)
        case "pause": return .pause
        case "resume": return .resume
        case "toggle": return .toggle
        case "seek":
            let position = try a.number("position")
            let offset = try a.number("offset")
            guard position != nil || offset != nil else {
                throw .badArgument("seek needs \"position\" (seconds from the start) or \"offset\" (seconds, + or -).")
            }
            if let position {
                guard position >= 0 else { throw .badArgument("\"position\" must not be negative.") }
                return .seek(.position(position))
            }
            return .seek(.offset(offset ?? 0))
        case "next": return .next
        case "prev": return .prev
        case "chapter":
            if let mark = try a.integer("bookmark") { return .chapter(.bookmark(mark)) }
            let number = try a.integer("number")
            let title = try a.string("title")?.trimmingWhitespace()
            if let number { return .chapter(.number(number)) }
            guard let title, !title.isEmpty else {
                throw .badArgument("chapter needs \"number\" (1-based) or \"title\" (text to look for).")
            }
            return .chapter(.title(title))
        case "mark": return .mark(title: try a.string("title")?.trimmingWhitespace() ?? "")
        case "unmark":
            guard let number = try a.integer("number") else {
                throw .badArgument("unmark needs \"number\" (the bookmark's, as `wdfctl chapters` shows it).")
            }
            return .unmark(number: number)
        case "chapters": return .chapters
        case "episodes":
            let series = try a.string("series")?.trimmingWhitespace()
            let all = try a.bool("all") ?? false
            return .episodes(series: series?.isEmpty == false ? series : nil, all: all)
        case "info": return .info(try a.selection())
        case "played": return .played(try a.selection())
        case "unplayed": return .unplayed(try a.selection())
        case "status": return .status
        case "sleep": return .sleep(try a.sleepRequest())
        case "speed": return .speed(try a.speedRequest())
        case "silence": return .silence(try a.silenceMode())
        case "volume": return .volume(try a.volumeRequest())
        case "stop": return .stop
        case "quit": return .quit
        case "reload": return .reload
        case "subscribe": return .subscribe
        case "unsubscribe": return .unsubscribe
        case "ping": return .ping
        case "help": return .help
        default: throw .unknownCommand(name)
        }
    }
}
