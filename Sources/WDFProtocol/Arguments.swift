import WDFCore

/// The named arguments of one request object, read by type with the daemon's sentences.
struct Arguments {
    let body: JSON

    func number(_ key: String) throws(WireError) -> Double? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let n = value.doubleValue, n.isFinite else {
            throw .badArgument("\"\(key)\" must be a number of seconds, not \(value.kindName).")
        }
        // Every number argument is a time; past this it is no time in an episode (and would
        // overflow the frame arithmetic).
        guard abs(n) <= MediaTime.maximum else {
            throw .badArgument("\"\(key)\" must be at most \(Int(MediaTime.maximum)) seconds either way, not \(value.serialized).")
        }
        return n
    }

    func integer(_ key: String) throws(WireError) -> Int? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let n = value.intValue else { throw .badArgument("\"\(key)\" must be a whole number, not \(value.serialized).") }
        return n
    }

    func string(_ key: String) throws(WireError) -> String? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let s = value.stringValue else { throw .badArgument("\"\(key)\" must be a string, not \(value.kindName).") }
        return s
    }

    func bool(_ key: String) throws(WireError) -> Bool? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let b = value.boolValue else { throw .badArgument("\"\(key)\" must be true or false, not \(value.kindName).") }
        return b
    }

    /// What `episode` (or `path`, in its place) and `series` name; nil when they name none.
    func selection() throws(WireError) -> EpisodeSelection? {
        var target = body["episode"] ?? .null
        if target.isNull, let path = try string("path") { target = .string(path) }
        return try EpisodeSelection(episode: target, series: try string("series"))
    }

    func volumeRequest() throws(WireError) -> Command.VolumeRequest {
        let percent = try integer("percent")
        let change = try integer("change")
        switch (percent, change) {
        case (nil, nil):
            return .show
        case let (percent?, nil):
            guard Command.volumeRange.contains(percent) else {
                throw .badArgument("\"percent\" must be between 0 and 150, not \(percent).")
            }
            return .set(percent)
        case let (nil, change?):
            guard abs(change) <= 150 else { throw .badArgument("\"change\" must be between -150 and 150, not \(change).") }
            return .change(change)
        default:
            throw .badArgument("volume takes \"percent\" (0 to 150) or \"change\" (± percent), not both.")
        }
    }

    func sleepRequest() throws(WireError) -> Command.SleepRequest {
        if try bool("off") == true { return .off }
        let seconds = try number("seconds")
        let at = try string("at")
        switch (seconds, at) {
        case (nil, nil):
            return .show
        case let (seconds?, nil):
            guard seconds > 0, seconds <= 24 * 3600 else { throw .badArgument("\"seconds\" must be between 0 and 24 hours.") }
            return .listening(seconds)
        case (nil, "chapter"?):
            return .chapterEnd
        case (nil, "episode"?):
            return .episodeEnd
        default:
            throw .badArgument("sleep takes \"seconds\", or \"at\": \"chapter\" or \"episode\", or \"off\": true.")
        }
    }
}
