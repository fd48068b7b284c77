import Glibc
import WDFCore

/// One MP3 of the library as the index keeps it: what its tag and headers say, and the size and
/// modification time it had when they were read (so an unchanged file is never read again).
public struct CatalogEntry: Sendable, Equatable {
    public var path: String
    public var size: Int
    /// Modification time in microseconds since the epoch (exact in a JSON number, unlike nanoseconds).
    public var mtime: Int
    public var title: String
    public var album: String?
    public var series: String?
    public var number: Int?
    public var numberSource: Episode.NumberSource?
    public var date: String?
    /// Seconds; from the Xing/Info/VBRI header, else estimated from the bit rate (`durationIsEstimate`).
    public var duration: Double?
    public var durationIsEstimate: Bool
    public var chapterCount: Int
    /// Whether the tag has a comment (the show notes); the text itself is read when asked for.
    public var hasNotes: Bool
    /// Why the tag could not be read (the file is still listed, named after itself).
    public var problem: String?

    public init(path: String, size: Int, mtime: Int, title: String, album: String? = nil, series: String? = nil,
                number: Int? = nil, numberSource: Episode.NumberSource? = nil, date: String? = nil,
                duration: Double? = nil, durationIsEstimate: Bool = false, chapterCount: Int = 0,
                hasNotes: Bool = false, problem: String? = nil) {
        self.path = path
        self.size = size
        self.mtime = mtime
        self.title = title
        self.album = album
        self.series = series
        self.number = number
        self.numberSource = numberSource
        self.date = date
        self.duration = duration
        self.durationIsEstimate = durationIsEstimate
        self.chapterCount = chapterCount
        self.hasNotes = hasNotes
        self.problem = problem
    }

    /// Reads the tag and the first audio frame's header of `path` (never the audio itself).
    public static func read(path: String, size: Int, mtime: Int) -> CatalogEntry {
        let length = MP3DurationReader.read(path: path)
        let episode: Episode
        var problem: String?
        do {
            episode = try Episode.read(path: path)
        } catch {
            episode = Episode(path: path, tag: nil)
            problem = "\(error)"
        }
        return CatalogEntry(
            path: path, size: size, mtime: mtime, title: episode.title, album: episode.album,
            series: episode.series, number: episode.number, numberSource: episode.numberSource,
            date: episode.date.map(CatalogEntry.day), duration: length?.seconds,
            durationIsEstimate: length?.isEstimate ?? false, chapterCount: episode.chapters.count,
            hasNotes: !(episode.comment ?? "").isEmpty,
            problem: problem ?? (length == nil ? "\(path) has no MPEG audio frames." : nil))
    }

    /// "2018-01-31T05:00" → "2018-01-31"; a year alone stays as it is.
    static func day(_ date: String) -> String {
        String(date.prefix(10))
    }

    // MARK: the index line

    var json: JSON {
        var pairs: [(String, JSON)] = [
            ("path", .string(path)), ("size", .number(Double(size))), ("mtime", .number(Double(mtime))),
            ("title", .string(title)),
        ]
        if let album { pairs.append(("album", .string(album))) }
        if let series { pairs.append(("series", .string(series))) }
        if let number { pairs.append(("number", .number(Double(number)))) }
        if let numberSource { pairs.append(("number_source", .string(numberSource.rawValue))) }
        if let date { pairs.append(("date", .string(date))) }
        if let duration { pairs.append(("duration", .number(duration))) }
        if durationIsEstimate { pairs.append(("estimated", true)) }
        if chapterCount > 0 { pairs.append(("chapters", .number(Double(chapterCount)))) }
        if hasNotes { pairs.append(("notes", true)) }
        if let problem { pairs.append(("problem", .string(problem))) }
        return .object(pairs)
    }

    init?(json: JSON) {
        guard let path = json["path"]?.stringValue, path.hasPrefix("/"),
              let size = json["size"]?.intValue, let mtime = json["mtime"]?.intValue,
              let title = json["title"]?.stringValue else { return nil }
        self.init(path: path, size: size, mtime: mtime, title: title, album: json["album"]?.stringValue,
                  series: json["series"]?.stringValue, number: json["number"]?.intValue,
                  numberSource: json["number_source"]?.stringValue.flatMap(Episode.NumberSource.init(rawValue:)),
                  date: json["date"]?.stringValue, duration: MediaTime.valid(json["duration"]?.doubleValue),
                  durationIsEstimate: json["estimated"]?.boolValue ?? false,
                  chapterCount: json["chapters"]?.intValue ?? 0, hasNotes: json["notes"]?.boolValue ?? false,
                  problem: json["problem"]?.stringValue)
    }
}
