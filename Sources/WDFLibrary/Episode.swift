import WDFCore
import WDFPlatform

/// One episode file as the player knows it: where it is, what it is called, its place in a
/// series and its chapters. Built from the ID3v2 tag alone (no audio is decoded).
public struct Episode: Sendable, Equatable {
    public var path: String
    /// TIT2, else the file name without extension.
    public var title: String
    /// "Korean War" for "Korean War #6: Sino-Soviet Talks Part 2"; else the album, if any.
    public var series: String?
    /// The number in the series: from the title, else TRCK, else the file name.
    public var number: Int?
    public var numberSource: NumberSource?
    public var album: String?
    public var date: String?
    public var comment: String?
    public var chapters: [Chapter]
    /// The ID3v2 tag as read (the chapter sources use its comment and chapters).
    public var tag: ID3Tag?

    public enum NumberSource: String, Sendable {
        case title, track, fileName = "file_name"
    }

    public init(path: String, tag: ID3Tag?) {
        self.path = path
        // A name that is not UTF-8 is shown with U+FFFD for its stray bytes (FileName).
        let fileTitle = FileName.display(Episode.stem(of: path))
        let title = tag?.title.flatMap { $0.isEmpty ? nil : $0 }
        self.title = title ?? fileTitle
        album = tag?.album
        date = tag?.date
        comment = tag?.comment
        chapters = tag?.chapters ?? []
        self.tag = tag
        if let title, let (series, number) = Episode.seriesAndNumber(inTitle: title) {
            self.series = series
            self.number = number
            numberSource = .title
        } else if let track = tag?.trackNumber, track > 0 {
            series = tag?.album
            number = track
            numberSource = .track
        } else if let number = Episode.number(inFileName: fileTitle) {
            series = tag?.album
            self.number = number
            numberSource = .fileName
        } else {
            series = tag?.album
        }
    }

    /// Reads the tag of `path`. A file without an ID3v2 tag is still an episode (named after the file).
    public static func read(path: String) throws(ID3Error) -> Episode {
        Episode(path: path, tag: try ID3Tag.read(path: path))
    }

    /// "Korean War #6: Sino-Soviet Talks Part 2" → ("Korean War", 6). The number follows a `#`
    /// and ends at a non-digit; the series is the text before the `#`.
    public static func seriesAndNumber(inTitle title: String) -> (String, Int)? {
        guard let hash = title.firstIndex(of: "#") else { return nil }
        let digits = title[title.index(after: hash)...].prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 6, let number = Int(digits) else { return nil }
        let series = title[..<hash].trimmingWhitespace()
        return (series, number)
    }

    /// The first run of 1–3 digits in a file name ("Korean War 03 - Third" → 3); longer runs
    /// (years, ids) and dates such as 2018-01-31 are passed over.
    public static func number(inFileName name: String) -> Int? {
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        var index = name.startIndex
        while index < name.endIndex {
            if isDigit(name[index]) {
                let run = name[index...].prefix(while: isDigit)
                index = run.endIndex
                if run.count >= 4 {
                    // A date: skip the "-MM-DD" that follows the year.
                    while index < name.endIndex, name[index] == "-" || name[index] == ".",
                          name.index(after: index) < name.endIndex, isDigit(name[name.index(after: index)]) {
                        index = name[name.index(after: index)...].prefix(while: isDigit).endIndex
                    }
                    continue
                }
                if let n = Int(run) { return n }
            } else {
                index = name.index(after: index)
            }
        }
        return nil
    }

    /// File name without directory and extension.
    public static func stem(of path: String) -> String {
        let base = FileSystem.baseName(path)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }
}
