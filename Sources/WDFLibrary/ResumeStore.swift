import Glibc
import WDFCore
import WDFPlatform
import WDFStore

/// Where the listener stopped in each episode, and which episode they played last.
///
/// One small JSON file (`positions.json`) in the state directory, replaced atomically on every
/// save, so a crash at any moment leaves either the previous or the new version.
public struct ResumeStore: Sendable {
    public struct Record: Sendable, Equatable {
        public var position: Double
        public var duration: Double?
        public var finished: Bool
        /// Heard to within ``ResumeStore/playedMargin(duration:)`` of the end, or marked so by the listener.
        /// Sticky: listening again does not clear it; `unplayed` does.
        public var played: Bool
        /// Seconds since the Unix epoch.
        public var updated: Int

        public init(position: Double, duration: Double?, finished: Bool, played: Bool = false, updated: Int) {
            self.position = position
            self.duration = duration
            self.finished = finished
            self.played = played || finished
            self.updated = updated
        }
    }

    /// An episode heard to within this many seconds of its end counts as played…
    public static let playedMargin = 30.0

    /// …or within a tenth of its length when that is less (an episode shorter than five
    /// minutes): a 20-second clip is played from 18 s on, not as soon as it starts.
    public static func playedMargin(duration: Double) -> Double {
        min(playedMargin, max(0, duration) / 10)
    }

    public static let formatVersion = 1
    public let file: String
    public private(set) var records: [String: Record] = [:]
    public private(set) var lastPath: String?
    public private(set) var isDirty = false

    public init(directory: String) {
        file = directory + "/positions.json"
    }

    /// The positions saved in `directory` as they are, for another program than the daemon
    /// (`wdfplay-feed`): a damaged or newer file reads as empty and is left where it is.
    public static func readOnly(directory: String) -> ResumeStore {
        var store = ResumeStore(directory: directory)
        if case let .current(json) = StateFile.read(store.file, formatVersion: formatVersion) { store.absorb(json) }
        return store
    }

    /// Reads the file. A missing file is an empty store. A damaged or unknown one is moved aside
    /// (`positions.json.damaged-<time>`), whatever could be read is kept, and the returned
    /// sentence says so.
    public mutating func load() -> String? {
        switch StateFile.read(file, formatVersion: ResumeStore.formatVersion) {
        case .missing:
            return nil
        case let .unreadable(reason):
            return "Cannot read saved positions: \(reason)."
        case let .damaged(bytes, reason):
            let note = setAside(reason)
            let recovered = salvage(bytes)
            return note + (recovered > 0 ? " Recovered \(recovered) position(s) from it." : "")
        case let .newer(json, version):
            let note = setAside("it was written by a newer wdfplay (format \(version))")
            let dropped = absorb(json)
            return note + ResumeStore.droppedNote(dropped, file: file)
        case let .current(json):
            let dropped = absorb(json)
            guard !dropped.isEmpty else { return nil }
            isDirty = true
            return ResumeStore.droppedNote(dropped, file: file).trimmingWhitespace()
        }
    }

    /// Takes the records from `json`; returns the keys of those dropped for a position or a
    /// length that is not a time (negative, not a number, past `MediaTime.maximum`).
    private mutating func absorb(_ json: JSON) -> [String] {
        lastPath = json["last"]?.stringValue
        guard case let .object(pairs)? = json["episodes"] else { return [] }
        var dropped: [String] = []
        for (path, value) in pairs {
            let durationValue = value["duration"] ?? .null
            guard let position = value["position"]?.doubleValue, MediaTime.isValid(position),
                  durationValue.isNull || MediaTime.valid(durationValue.doubleValue) != nil else {
                dropped.append(path)
                continue
            }
            records[path] = Record(position: position, duration: durationValue.doubleValue,
                                   finished: value["finished"]?.boolValue ?? false,
                                   played: value["played"]?.boolValue ?? false,
                                   updated: value["updated"]?.intValue ?? 0)
        }
        return dropped
    }

    /// " Dropped the saved position of "…" in F: …" naming the first few, or "" for none.
    private static func droppedNote(_ dropped: [String], file: String) -> String {
        guard !dropped.isEmpty else { return "" }
        let named = dropped.prefix(3).map { JSON.string($0).serialized }.joined(separator: ", ")
        let more = dropped.count > 3 ? " and \(dropped.count - 3) more" : ""
        return " Dropped the saved position of \(named)\(more) in \(file): "
            + "its position or length is not a time from 0 to \(Int(MediaTime.maximum)) s; the others are kept."
    }

    /// Reads whatever `"<path>":{"position":<seconds>` entries survive in a damaged file (a cut
    /// write, a stray byte) so that one bad byte does not cost every episode its place.
    private mutating func salvage(_ bytes: [UInt8]) -> Int {
        let marker = Array(#"":{"position":"#.utf8)
        var found = 0
        var i = 0
        while i + marker.count <= bytes.count {
            guard bytes[i] == marker[0], Array(bytes[i..<(i + marker.count)]) == marker else { i += 1; continue }
            // The key is the JSON string ending at bytes[i]; find its opening quote.
            var start = i - 1
            while start >= 0, !(bytes[start] == 0x22 && (start == 0 || bytes[start - 1] != 0x5C)) { start -= 1 }
            var end = i + marker.count
            while end < bytes.count, "0123456789.eE+-".utf8.contains(bytes[end]) { end += 1 }
            if start >= 0, case let .string(path)? = try? JSONParser.parse(Array(bytes[start...i])),
               let position = Double(String(decoding: bytes[(i + marker.count)..<end], as: UTF8.self)),
               MediaTime.isValid(position), records[path] == nil {
                records[path] = Record(position: position, duration: nil, finished: false, updated: 0)
                found += 1
            }
            i = end
        }
        if found > 0 { isDirty = true }
        return found
    }

    private mutating func setAside(_ why: String) -> String {
        isDirty = true
        return StateFile.setAside(file, what: "Saved positions", why: why)
    }

    public func record(for path: String) -> Record? { records[path] }

    /// Where to start `path`: the saved place minus `rewind` seconds, or 0 when it was finished
    /// or never played.
    public func startPosition(for path: String, rewind: Double) -> Double {
        guard let record = records[path], !record.finished else { return 0 }
        if let duration = record.duration, record.position >= duration - 0.5 { return 0 }
        return max(0, record.position - rewind)
    }

    /// `startPosition(for:rewind:)` with the rewind growing with the time away (`ResumeRewind`):
    /// `now` (seconds since the epoch) against the record's `updated`, the last time it was
    /// heard. A record without that time (0, or later than `now`) rewinds `base`.
    public func startPosition(for path: String, base: Double, now: Int) -> Double {
        guard let record = records[path], record.updated > 0, now >= record.updated else {
            return startPosition(for: path, rewind: ResumeRewind.seconds(away: 0, base: base))
        }
        return startPosition(for: path, rewind: ResumeRewind.seconds(away: Double(now - record.updated), base: base))
    }

    /// Records a position. A change under 0.05 s is not worth a write, unless `exact` (a paused
    /// position: what the listener sees must be what is saved).
    public mutating func update(path: String, position: Double, duration: Double?, finished: Bool = false, exact: Bool = false) {
        let nearEnd = duration.map { $0 > 0 && position >= $0 - ResumeStore.playedMargin(duration: $0) } ?? false
        let record = Record(position: finished ? (duration ?? position) : position, duration: duration,
                            finished: finished, played: nearEnd || records[path]?.played == true,
                            updated: Int(time(nil)))
        if let old = records[path], old.finished == record.finished, old.played == record.played,
           exact ? old.position == record.position : abs(old.position - record.position) < 0.05,
           old.duration == record.duration, lastPath == path {
            return
        }
        records[path] = record
        lastPath = path
        isDirty = true
    }

    /// The listener's own mark. Played keeps the position; unplayed forgets it (the episode is new again).
    public mutating func setPlayed(_ played: Bool, key: String, duration: Double?) {
        if played {
            var record = records[key] ?? Record(position: 0, duration: duration, finished: false, updated: 0)
            guard !record.played else { return }
            record.played = true
            record.updated = Int(time(nil))
            records[key] = record
        } else {
            guard records.removeValue(forKey: key) != nil else { return }
        }
        isDirty = true
    }

    public mutating func markLast(_ path: String) {
        guard lastPath != path else { return }
        lastPath = path
        isDirty = true
    }

    /// Writes the store if it changed. `durable` also fsyncs (pause, stop, quit, episode change);
    /// the once-a-second checkpoints skip the fsync.
    public mutating func save(durable: Bool) throws(SystemError) {
        guard isDirty else { return }
        try StateFile.write(file, serialized, durable: durable)
        isDirty = false
    }

    var serialized: String {
        let episodes: [(String, JSON)] = records.keys.sorted().map { path in
            let r = records[path]!
            return (path, [
                "position": .number(r.position), "duration": JSON(r.duration),
                "finished": .bool(r.finished), "played": .bool(r.played), "updated": .number(Double(r.updated)),
            ])
        }
        let json: JSON = [
            "version": .number(Double(ResumeStore.formatVersion)),
            "last": JSON(lastPath),
            "episodes": .object(episodes),
        ]
        return json.serialized + "\n"
    }
}
