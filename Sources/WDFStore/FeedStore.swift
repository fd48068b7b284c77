import Glibc
import WDFCore
import WDFPlatform

/// What wdfplay knows of the podcast feed: every episode any sync has seen, with the file each
/// was downloaded to.
///
/// One JSON file (`feed.json`) in the state directory, written by the feed tool and read by the
/// daemon, replaced atomically on every save. Items dropped from the feed are kept: feeds list
/// only their latest episodes, and nothing known is forgotten. One item per line, so that a
/// damaged file still gives back every item on an intact line.
public struct FeedStore: Sendable {
    public static let formatVersion = 1
    /// The largest store read, and written: `save` refuses to write more, so that whatever is
    /// written can be read back.
    public static let maximumFileSize = 64 << 20
    /// Show notes longer than this (in UTF-8 bytes) are stored cut to it.
    public static let maximumNotesBytes = 32 << 10
    public let file: String
    public var feedURL: String?
    public var podcastTitle: String?
    /// Seconds since the Unix epoch of the last successful merge.
    public var lastSync: Int?
    /// Newest first by `published` (items without a date last); ties keep their order.
    public private(set) var items: [FeedRecord] = []
    private var positions: [String: Int] = [:]
    /// The last `load` found a file it could not read (too large, no permission …) and left it
    /// where it is: this store does not hold what the file does, and `save` refuses to replace it.
    public private(set) var isUnreadable = false

    public init(directory: String) {
        file = directory + "/feed.json"
    }

    /// Reads the file. A missing file is an empty store. A damaged or unknown one is moved aside
    /// (`feed.json.damaged-<time>`), whatever could be read is kept (an unreadable item is
    /// skipped, the others kept), and the returned sentence says so.
    public mutating func load() -> String? {
        feedURL = nil
        podcastTitle = nil
        lastSync = nil
        items = []
        positions = [:]
        isUnreadable = false
        switch StateFile.read(file, formatVersion: FeedStore.formatVersion, limit: FeedStore.maximumFileSize) {
        case .missing:
            return nil
        case let .unreadable(reason):
            isUnreadable = true
            return "Cannot read the feed store: \(reason)."
        case let .damaged(bytes, reason):
            let note = setAside(reason)
            let recovered = salvage(bytes)
            return note + (recovered > 0 ? " Recovered \(recovered) episode(s) from it." : "")
        case let .newer(json, version):
            let note = setAside("it was written by a newer wdfplay (format \(version))")
            _ = absorb(json)
            return note
        case let .current(json):
            let skipped = absorb(json)
            guard skipped > 0 else { return nil }
            return setAside("\(skipped) episode(s) in it could not be read") + " Kept the other \(items.count)."
        }
    }

    /// Takes the header fields and every readable item of `json`; returns how many items were
    /// unreadable.
    private mutating func absorb(_ json: JSON) -> Int {
        absorbHeader(json)
        var skipped = 0
        guard let list = json["items"] else { return 0 }
        guard let array = list.arrayValue else { return 1 }
        var found: [FeedRecord] = []
        for value in array {
            if let record = FeedRecord(json: value) { found.append(record) } else { skipped += 1 }
        }
        install(found)
        return skipped
    }

    private mutating func absorbHeader(_ json: JSON) {
        feedURL = json["feedURL"]?.stringValue
        podcastTitle = json["podcastTitle"]?.stringValue
        lastSync = json["lastSync"]?.intValue
    }

    /// Reads a damaged file line by line: the header line, then each item line on its own.
    private mutating func salvage(_ bytes: [UInt8]) -> Int {
        var found: [FeedRecord] = []
        var isFirst = true
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            var text = Array(line)
            while let last = text.last, last == 0x20 || last == 0x0D || last == 0x09 { text.removeLast() }
            if isFirst {
                isFirst = false
                if text.last == UInt8(ascii: "["), let header = try? JSONParser.parse(text + Array("]}".utf8)) {
                    absorbHeader(header)
                    continue
                }
            }
            if text.last == UInt8(ascii: ",") { text.removeLast() }
            guard text.first == UInt8(ascii: "{"), let json = try? JSONParser.parse(text),
                  let record = FeedRecord(json: json) else { continue }
            found.append(record)
        }
        install(found)
        return items.count
    }

    private mutating func setAside(_ why: String) -> String {
        StateFile.setAside(file, what: "The feed store", why: why)
    }

    /// Replaces the items with `records` (a repeated guid: the first one wins), sorted.
    private mutating func install(_ records: [FeedRecord]) {
        var seen = Set<String>()
        items = records.filter { seen.insert($0.guid).inserted }
        sortItems()
    }

    private mutating func sortItems() {
        items = items.enumerated().sorted { a, b in
            switch (a.element.published, b.element.published) {
            case let (x?, y?) where x != y: return x > y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
        positions = [:]
        positions.reserveCapacity(items.count)
        for (i, item) in items.enumerated() { positions[item.guid] = i }
    }

    public struct MergeResult: Sendable, Equatable {
        /// Items seen for the first time, in feed order, with `firstSeen` set.
        public var added: [FeedRecord]
        /// How many known items changed.
        public var updated: Int

        public init(added: [FeedRecord], updated: Int) {
            self.added = added
            self.updated = updated
        }
    }

    /// Takes a sync's items (in feed order), matched by guid. A known item takes the feed's
    /// fields but keeps its `file`, `firstSeen` and `wanted`; a new one gets `firstSeen = now`. Items
    /// missing from `records` are kept. A repeated guid in `records`: the first one counts; an
    /// empty guid is ignored.
    public mutating func merge(_ records: [FeedRecord], feedURL: String, podcastTitle: String?, now: Int) -> MergeResult {
        var result = MergeResult(added: [], updated: 0)
        var seen = Set<String>()
        for var record in records where !record.guid.isEmpty && seen.insert(record.guid).inserted {
            record.notesHTML = record.notesHTML.map { FeedStore.cut($0, toBytes: FeedStore.maximumNotesBytes) }
            if let i = positions[record.guid] {
                record.file = items[i].file
                record.firstSeen = items[i].firstSeen
                record.wanted = items[i].wanted
                if items[i] != record {
                    items[i] = record
                    result.updated += 1
                }
            } else {
                record.firstSeen = now
                positions[record.guid] = items.count
                items.append(record)
                result.added.append(record)
            }
        }
        sortItems()
        self.feedURL = feedURL
        if let podcastTitle { self.podcastTitle = podcastTitle }
        lastSync = now
        return result
    }

    /// Records where the enclosure of `guid` was downloaded to (nil: forget the file); a file
    /// ends its `wanted` mark. False when no item has that guid.
    @discardableResult
    public mutating func setFile(_ path: String?, forGUID guid: String) -> Bool {
        guard let i = positions[guid] else { return false }
        items[i].file = path
        if path != nil { items[i].wanted = false }
        return true
    }

    /// Marks `guid` for the next `sync --download new`. False when no item has that guid.
    @discardableResult
    public mutating func setWanted(_ wanted: Bool, forGUID guid: String) -> Bool {
        guard let i = positions[guid] else { return false }
        items[i].wanted = wanted
        return true
    }

    /// The latest of `records` by publication time; without dates, the first (feeds list the
    /// newest first).
    public static func newest(_ records: [FeedRecord]) -> FeedRecord? {
        records.enumerated().max { a, b in
            switch (a.element.published, b.element.published) {
            case let (x?, y?) where x != y: return x < y
            case (nil, _?): return true
            case (_?, nil): return false
            default: return a.offset > b.offset
            }
        }?.element
    }

    /// The items marked `wanted` that have audio and no file yet, oldest first.
    public var wantedDownloads: [FeedRecord] {
        items.filter { $0.wanted && $0.file == nil && $0.enclosureURL != nil }.reversed()
    }

    public func item(guid: String) -> FeedRecord? {
        positions[guid].map { items[$0] }
    }

    /// Writes the store atomically and durably (its folder made if needed). Refuses (EFBIG) when
    /// it would be larger than `maximumFileSize`, and (EIO) after a `load` that could not read the
    /// file: the file stays as it was.
    public func save() throws(SystemError) {
        guard !isUnreadable else { throw SystemError("replace the unreadable feed store", file, code: EIO) }
        let text = serialized
        guard text.utf8.count <= FeedStore.maximumFileSize else {
            throw SystemError("write \(text.utf8.count >> 20) MiB, more than the \(FeedStore.maximumFileSize >> 20) MiB a feed store may have, to", file, code: EFBIG)
        }
        try StateFile.write(file, text, durable: true)
    }

    /// `text` cut to at most `limit` UTF-8 bytes, at a character boundary.
    static func cut(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var count = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            if count + size > limit { break }
            count += size
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    var serialized: String {
        let header: JSON = [
            "version": .number(Double(FeedStore.formatVersion)),
            "feedURL": JSON(feedURL),
            "podcastTitle": JSON(podcastTitle),
            "lastSync": JSON(lastSync),
        ]
        // `{"version":1,…,"items":[` then one item per line.
        var text = String(header.serialized.dropLast()) + ",\"items\":["
        for (i, item) in items.enumerated() {
            text += i == 0 ? "\n" : ",\n"
            text += item.json.serialized
        }
        text += "\n]}\n"
        return text
    }
}
