import WDFCore
import WDFPlatform

/// How loud things play, kept across restarts in `levels.json` beside `positions.json`: the
/// listener's volume (`wdfctl volume`, or one set in a mixer and adopted) and each episode's
/// measured loudness (`EpisodeLoudness`), measured once and used until the file changes.
///
/// Read like the other state files (`StateFile`): a missing file is empty, a damaged or newer one
/// is moved aside with a sentence and whatever could be read is kept; a record that is not a
/// measurement (numbers out of range, missing size) is dropped by itself. At most `capacity`
/// episodes are kept: past that the ones measured longest ago go first.
public struct LevelStore: Sendable {
    public static let formatVersion = 1
    public static let capacity = 20_000
    public static let volumeRange = 0...150

    public let file: String
    /// Percent (0…150); nil until the listener set one (the config's `volume` applies).
    public private(set) var volume: Int?
    /// By path, with the order they were measured in (oldest first) for trimming.
    public private(set) var measurements: [String: EpisodeLoudness] = [:]
    private var order: [String] = []
    public private(set) var isDirty = false

    public init(directory: String) {
        file = directory + "/levels.json"
    }

    /// Reads the file; returns a sentence when something in it could not be used.
    public mutating func load() -> String? {
        switch StateFile.read(file, formatVersion: Self.formatVersion, limit: 32 << 20) {
        case .missing:
            return nil
        case let .unreadable(reason):
            return "Cannot read the saved volume and loudness: \(reason)."
        case let .damaged(_, reason):
            isDirty = true
            return StateFile.setAside(file, what: "The saved volume and loudness", why: reason)
        case let .newer(json, version):
            isDirty = true
            let note = StateFile.setAside(file, what: "The saved volume and loudness",
                                          why: "it was written by a newer wdfplay (format \(version))")
            return note + Self.droppedNote(absorb(json), file: file)
        case let .current(json):
            let dropped = absorb(json)
            guard dropped > 0 else { return nil }
            isDirty = true
            return Self.droppedNote(dropped, file: file).trimmingWhitespace()
        }
    }

    /// The measurement of `path` if it is of the file as it is now (`identity`).
    public func loudness(of path: String, identity: (size: Int, mtime: Int)?) -> EpisodeLoudness? {
        guard let kept = measurements[path], kept.matches(identity) else { return nil }
        return kept
    }

    public mutating func record(_ measurement: EpisodeLoudness, for path: String) {
        if measurements[path] != nil { order.removeAll { $0 == path } }
        measurements[path] = measurement
        order.append(path)
        if order.count > Self.capacity {
            for old in order.prefix(order.count - Self.capacity) { measurements[old] = nil }
            order.removeFirst(order.count - Self.capacity)
        }
        isDirty = true
    }

    /// Keeps `percent` (clamped to 0…150) as the listener's volume.
    public mutating func setVolume(_ percent: Int) {
        let clamped = min(max(percent, Self.volumeRange.lowerBound), Self.volumeRange.upperBound)
        guard clamped != volume else { return }
        volume = clamped
        isDirty = true
    }

    /// Writes the file if anything changed (atomically; `durable` also fsyncs).
    public mutating func save(durable: Bool) throws(SystemError) {
        guard isDirty else { return }
        try StateFile.write(file, serialized, durable: durable)
        isDirty = false
    }

    var serialized: String {
        let episodes: [(String, JSON)] = order.compactMap { path in
            guard let m = measurements[path] else { return nil }
            return (path, [
                "lufs": JSON(m.loudness), "true_peak": JSON(m.truePeak), "seconds": .number(m.seconds),
                "size": .number(Double(m.size)), "mtime": .number(Double(m.mtime)),
            ])
        }
        var pairs: [(String, JSON)] = [("version", .number(Double(Self.formatVersion)))]
        if let volume { pairs.append(("volume", .number(Double(volume)))) }
        pairs.append(("episodes", .object(episodes)))
        return JSON.object(pairs).serialized + "\n"
    }

    /// Takes what `json` holds; returns how many episode records were dropped.
    private mutating func absorb(_ json: JSON) -> Int {
        if let percent = json["volume"]?.intValue, Self.volumeRange.contains(percent) { volume = percent }
        guard case let .object(pairs)? = json["episodes"] else { return 0 }
        var dropped = 0
        for (path, value) in pairs.suffix(Self.capacity) {
            guard let measurement = Self.measurement(value) else {
                dropped += 1
                continue
            }
            if measurements[path] != nil { order.removeAll { $0 == path } }
            measurements[path] = measurement
            order.append(path)
        }
        return dropped
    }

    private static func measurement(_ value: JSON) -> EpisodeLoudness? {
        func optional(_ key: String, _ range: ClosedRange<Double>) -> Double?? {
            let v = value[key] ?? .null
            if v.isNull { return .some(nil) }
            guard let d = v.doubleValue, d.isFinite, range.contains(d) else { return nil }
            return .some(d)
        }
        guard let loudness = optional("lufs", EpisodeLoudness.loudnessRange),
              let peak = optional("true_peak", EpisodeLoudness.peakRange),
              let seconds = value["seconds"]?.doubleValue, MediaTime.isValid(seconds),
              let size = value["size"]?.intValue, size >= 0,
              let mtime = value["mtime"]?.intValue else { return nil }
        return EpisodeLoudness(loudness: loudness, truePeak: peak, seconds: seconds, size: size, mtime: mtime)
    }

    private static func droppedNote(_ dropped: Int, file: String) -> String {
        guard dropped > 0 else { return "" }
        return " Dropped \(dropped) loudness measurement(s) in \(file) that are not measurements; "
            + "those episodes are measured again."
    }
}
