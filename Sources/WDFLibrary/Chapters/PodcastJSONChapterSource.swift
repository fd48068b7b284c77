import WDFCore
import WDFPlatform

/// Podcasting 2.0 JSON chapters in a sidecar beside the audio: `NAME.chapters.json` for
/// `NAME.mp3` (https://github.com/Podcastindex-org/podcast-namespace, "JSON Chapters").
///
/// ```json
/// {"version": "1.2.0", "chapters": [
///   {"startTime": 0, "title": "Intro"},
///   {"startTime": 330.5, "title": "Stalin's reply", "img": "stalin.jpg", "url": "https://…"},
///   {"startTime": 600, "title": "Map", "toc": false}]}
/// ```
/// Read: `chapters[]` (required) with `startTime` (required: a number, or a string holding
/// seconds or a clock time such as "5:30"), and the optional `title`, `img`, `url`, `endTime`,
/// `toc` (`false` makes a marker: `listed == false`). Optional fields of the wrong type are
/// ignored; `version` and every other key are not needed. Entries come back ordered by start
/// (stable). At most `maximumChapters` entries are read; files over `maximumFileSize` are refused.
public struct PodcastJSONChapterSource: ChapterSource {
    public static let origin = ChapterOrigin.json
    public static let suffix = ".chapters.json"
    public static let maximumFileSize = 4 << 20
    public static let maximumChapters = 5_000

    public init() {}

    public func chapters(forAudioAt audioPath: String, tag: ID3Tag?, duration: Double?) throws(ChapterSourceError) -> [SourcedChapter] {
        let path = Sidecar.path(of: audioPath, suffix: Self.suffix)
        guard let bytes = try Sidecar.read(path, origin: Self.origin, limit: Self.maximumFileSize) else { return [] }
        return try Self.parse(bytes, file: path)
    }

    /// Parses the text of a chapters file; `file` only names it in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws(ChapterSourceError) -> [SourcedChapter] {
        let json: JSON
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw ChapterSourceError(origin, file: file, line: line(at: error.offset, in: bytes),
                                     reason: "it is not valid JSON (\(error.reason))")
        }
        guard case .object = json else {
            throw ChapterSourceError(origin, file: file, reason: "it holds \(json.kindName), not an object with a \"chapters\" array")
        }
        guard let entries = json["chapters"] else {
            throw ChapterSourceError(origin, file: file, field: "chapters", reason: "the \"chapters\" array is missing")
        }
        guard let array = entries.arrayValue else {
            throw ChapterSourceError(origin, file: file, field: "chapters", reason: "it is \(entries.kindName), not an array")
        }
        var chapters: [SourcedChapter] = []
        chapters.reserveCapacity(min(array.count, maximumChapters))
        for (i, entry) in array.prefix(maximumChapters).enumerated() {
            guard case .object = entry else {
                throw ChapterSourceError(origin, file: file, field: "chapters[\(i)]", reason: "it is \(entry.kindName), not an object")
            }
            guard let startValue = entry["startTime"] else {
                throw ChapterSourceError(origin, file: file, field: "chapters[\(i)].startTime", reason: "it is missing")
            }
            guard let start = seconds(startValue), MediaTime.isValid(start) else {
                throw ChapterSourceError(origin, file: file, field: "chapters[\(i)].startTime",
                                         reason: "it must be a number of seconds from 0 to \(Int(MediaTime.maximum)), not \(describe(startValue))")
            }
            let end = entry["endTime"].flatMap(seconds).flatMap { MediaTime.isValid($0) && $0 > start ? $0 : nil }
            let title = entry["title"]?.stringValue?.trimmingWhitespace() ?? ""
            chapters.append(SourcedChapter(
                Chapter(title: title, start: start, end: end), origin: origin,
                url: nonEmpty(entry["url"]?.stringValue), image: nonEmpty(entry["img"]?.stringValue),
                listed: entry["toc"]?.boolValue ?? true))
        }
        return ChapterSources.numberingUntitled(ChapterSources.sortedByStart(chapters))
    }

    /// A number, or a string holding seconds ("330.5") or a clock time ("5:30").
    private static func seconds(_ value: JSON) -> Double? {
        if let number = value.doubleValue { return number }
        if let text = value.stringValue { return TimeFormat.parseClock(Substring(text.trimmingWhitespace())) }
        return nil
    }

    private static func describe(_ value: JSON) -> String {
        switch value {
        case .number(let n): return "\(n)"
        case .string(let s): return "\"\(s.prefix(40))\""
        default: return value.kindName
        }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingWhitespace(), !text.isEmpty else { return nil }
        return text
    }

    /// 1-based line of byte `offset`.
    static func line(at offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        for byte in bytes.prefix(max(0, offset)) where byte == 0x0A { line += 1 }
        return line
    }
}
