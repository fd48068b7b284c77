import WDFCore
import WDFPlatform

/// Chapters from a CUE sheet beside the audio: `NAME.cue` for `NAME.mp3`.
///
/// ```
/// PERFORMER "When Diplomacy Fails"
/// TITLE "Korean War #6"
/// FILE "Korean War 06.mp3" MP3
///   TRACK 01 AUDIO
///     TITLE "Introduction"
///     INDEX 01 00:00:00
///   TRACK 02 AUDIO
///     TITLE "Stalin's reply"
///     PERFORMER "Zack Twamley"
///     INDEX 01 05:30:37
/// ```
/// Each `TRACK nn AUDIO` with an `INDEX 01 mm:ss:ff` (75 frames a second; minutes may exceed 99)
/// is a chapter titled by its `TITLE` ("Track nn" without one); a track's `PERFORMER` becomes the
/// chapter's description. Other commands (`REM`, `INDEX 00`, `PREGAP`, `FLAGS`, `ISRC` …) and
/// tracks of other types are ignored. A UTF-8 BOM, CRLF or CR line ends, and Latin-1 text (when
/// the file is not valid UTF-8) are accepted. When the sheet names several `FILE`s, only the
/// tracks of the one with the episode's name (extension aside, case-insensitive) are used.
///
/// Errors name the line: a malformed `TRACK` or `INDEX`, an `INDEX` outside a track, a track
/// without `INDEX 01` or with two of them.
public struct CUESheetChapterSource: ChapterSource {
    public static let origin = ChapterOrigin.cue
    public static let suffix = ".cue"
    public static let maximumFileSize = 4 << 20
    public static let maximumChapters = 5_000

    public init() {}

    public func chapters(forAudioAt audioPath: String, tag: ID3Tag?, duration: Double?) throws(ChapterSourceError) -> [SourcedChapter] {
        let path = Sidecar.path(of: audioPath, suffix: Self.suffix)
        guard let bytes = try Sidecar.read(path, origin: Self.origin, limit: Self.maximumFileSize) else { return [] }
        return try Self.parse(bytes, file: path, audioName: FileSystem.baseName(audioPath))
    }

    private struct Track {
        var number: Int
        var line: Int
        var file: Int
        var isAudio: Bool
        var title: String?
        var performer: String?
        var start: Double?
    }

    /// Parses the text of a CUE sheet. `file` names it in errors; `audioName` (the episode's file
    /// name) picks the tracks of a sheet with several `FILE`s (nil: those of the first).
    public static func parse(_ bytes: [UInt8], file: String, audioName: String? = nil) throws(ChapterSourceError) -> [SourcedChapter] {
        func failure(_ line: Int, _ reason: String) -> ChapterSourceError {
            ChapterSourceError(origin, file: file, line: line, reason: reason)
        }
        var tracks: [Track] = []
        var files: [String] = []
        var current: Int?  // index in `tracks`
        for (number, line) in lines(of: bytes).enumerated() {
            let lineNumber = number + 1
            var words = Words(line)
            guard let command = words.next()?.uppercased() else { continue }
            switch command {
            case "FILE":
                files.append(String(words.next() ?? ""))
                current = nil
            case "TRACK":
                guard let numberText = words.next(), let trackNumber = Int(numberText), (0...999).contains(trackNumber),
                      numberText.allSatisfy(\.isASCII) else {
                    throw failure(lineNumber, "TRACK needs a track number and a type, as in \"TRACK 01 AUDIO\"")
                }
                guard tracks.count < maximumChapters else { current = nil; continue }
                let type = words.next()?.uppercased() ?? "AUDIO"
                tracks.append(Track(number: trackNumber, line: lineNumber, file: max(0, files.count - 1),
                                    isAudio: type == "AUDIO"))
                current = tracks.count - 1
            case "TITLE":
                if let current { tracks[current].title = words.rest() }
            case "PERFORMER":
                if let current { tracks[current].performer = words.rest() }
            case "INDEX":
                guard let current else { throw failure(lineNumber, "INDEX comes before any TRACK") }
                guard let indexText = words.next(), let index = Int(indexText), indexText.allSatisfy(\.isASCII),
                      let timeText = words.next() else {
                    throw failure(lineNumber, "INDEX needs an index number and a time, as in \"INDEX 01 05:30:00\"")
                }
                guard let time = frameTime(timeText) else {
                    throw failure(lineNumber, "\"\(timeText.prefix(40))\" is not a time mm:ss:ff (seconds below 60, frames below 75)")
                }
                guard index == 1 else { continue }
                if tracks[current].start != nil {
                    throw failure(lineNumber, "TRACK \(tracks[current].number) has a second INDEX 01")
                }
                tracks[current].start = time
            default:
                continue
            }
        }

        var wanted = 0
        if files.count > 1, let audioName {
            let stem = Self.stem(audioName)
            guard let match = files.firstIndex(where: { Self.stem(FileSystem.baseName($0)) == stem }) else {
                throw ChapterSourceError(origin, file: file, reason: "it names \(files.count) audio files and none of them is \(audioName)")
            }
            wanted = match
        }
        var chapters: [SourcedChapter] = []
        for track in tracks where track.isAudio && (files.count <= 1 || track.file == wanted) {
            guard let start = track.start else {
                throw failure(track.line, "TRACK \(track.number) has no INDEX 01")
            }
            let title = track.title?.trimmingWhitespace() ?? ""
            let performer = track.performer?.trimmingWhitespace() ?? ""
            chapters.append(SourcedChapter(
                Chapter(title: title.isEmpty ? "Track \(track.number < 10 ? "0" : "")\(track.number)" : title, start: start),
                origin: origin, description: performer.isEmpty ? nil : performer))
        }
        return ChapterSources.sortedByStart(chapters)
    }

    /// `mm:ss:ff` in seconds; minutes may have any number of digits (at most 6).
    static func frameTime(_ text: Substring) -> Double? {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count <= 6, fields[1].count <= 2, fields[2].count <= 2,
              fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let minutes = Int(fields[0]), let seconds = Int(fields[1]), let frames = Int(fields[2]),
              seconds < 60, frames < 75 else { return nil }
        return Double(minutes * 60 + seconds) + Double(frames) / 75
    }

    /// The file name without its last extension, lower-cased.
    private static func stem(_ name: String) -> String {
        let base = name.lowercased()
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }

    /// The sheet's lines: UTF-8 BOM dropped, LF, CRLF and CR ends, Latin-1 when not UTF-8.
    static func lines(of bytes: [UInt8]) -> [Substring] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let text = String(validating: body, as: UTF8.self)
            ?? String(String.UnicodeScalarView(body.map { Unicode.Scalar($0) }))
        var lines: [Substring] = []
        var start = text.startIndex
        var i = text.startIndex
        let scalars = text.unicodeScalars
        while i < text.endIndex {
            let scalar = scalars[i]
            if scalar == "\n" || scalar == "\r" {
                lines.append(Substring(scalars[start..<i]))
                var next = scalars.index(after: i)
                if scalar == "\r", next < text.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                start = next
                i = next
            } else {
                i = scalars.index(after: i)
            }
        }
        if start < text.endIndex { lines.append(Substring(scalars[start...])) }
        return lines
    }

    /// The words of a CUE line: runs of non-blanks, or "quoted text" (quotes removed).
    struct Words {
        private var text: Substring.UnicodeScalarView

        init(_ line: Substring) {
            text = line.unicodeScalars
        }

        private mutating func skipBlanks() {
            while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        }

        mutating func next() -> Substring? {
            skipBlanks()
            guard let first = text.first else { return nil }
            if first == "\"" {
                let body = text.dropFirst()
                let close = body.firstIndex(of: "\"") ?? body.endIndex
                text = close < body.endIndex ? body[body.index(after: close)...] : body[close...]
                return Substring(body[..<close])
            }
            let end = text.firstIndex { $0 == " " || $0 == "\t" } ?? text.endIndex
            let word = text[..<end]
            text = text[end...]
            return Substring(word)
        }

        /// The rest of the line as one value: a quoted string, or the remaining text unquoted.
        mutating func rest() -> String {
            skipBlanks()
            if text.first == "\"" { return String(next() ?? "") }
            return String(Substring(text)).trimmingWhitespace()
        }
    }
}
