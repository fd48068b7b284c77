import WDFCore

/// Chapters from timestamps at the start of lines in the show notes: the ID3 comment now, the
/// feed item's description once the catalog reads feeds.
///
/// Recognised lines (after HTML is reduced to text, see `plainText(_:)`):
/// ```
/// 05:30 Stalin's reply           1:02:03 - The talks          - 12:00 Liu Shaoqi (a bullet)
/// (1:02:03) The talks            [12:00] – Liu Shaoqi         05:30–12:00 A range (end 12:00)
/// ```
/// A timestamp is `M:SS`, `MM:SS`, `MMM:SS` or `H:MM:SS` (seconds and minutes after the first
/// field below 60), optionally in `(…)` or `[…]`, followed by a blank, a separator or the end of
/// the timestamp's bracket — never by a letter or digit (`12:00pm`, `1:02:03:04` are not
/// timestamps). The title is the rest of the line after blanks and separators (`-` `–` `—` `:`
/// `|` `.` `·` `•`), and must hold a letter or digit: a player widget's `0:00 / 0:00` is a
/// range with no title, so it is not a chapter.
///
/// Timestamps at the END of a line (`Stalin's reply 05:30`) are deliberately not read: in prose
/// they are as often times of day or durations ("we meet at 12:00") as chapter marks, and the
/// rules below could not tell a list of those from chapters.
///
/// The timestamps are used only when there are at least two, they strictly increase, and each
/// starts inside the episode (before `duration`, when known); otherwise there are none at all,
/// so prose that happens to mention a time never yields a stray chapter.
public struct ShowNotesChapterSource: ChapterSource {
    public static let origin = ChapterOrigin.showNotes
    public static let maximumChapters = 5_000

    /// The feed item's description, read when the tag's comment gives no chapters.
    public let feedNotes: String?

    public init(feedNotes: String? = nil) {
        self.feedNotes = feedNotes
    }

    public func chapters(forAudioAt audioPath: String, tag: ID3Tag?, duration: Double?) throws(ChapterSourceError) -> [SourcedChapter] {
        if let notes = tag?.comment {
            let found = Self.parse(notes, duration: duration)
            if !found.isEmpty { return found }
        }
        guard let feedNotes else { return [] }
        return Self.parse(feedNotes, duration: duration)
    }

    /// The chapters that `notes` (plain text or HTML) give for an episode of `duration` seconds
    /// (nil: unknown), or none when the rules above are not met.
    public static func parse(_ notes: String, duration: Double?) -> [SourcedChapter] {
        let found = timestampedLines(in: notes)
        guard found.count >= 2 else { return [] }
        for (a, b) in zip(found, found.dropFirst()) where b.start <= a.start { return [] }
        if let duration, duration.isFinite, duration > 0, let last = found.last, last.start >= duration { return [] }
        return found.map { SourcedChapter($0, origin: origin) }
    }

    /// Every line of `notes` that starts with a timestamp, as a chapter, in the order written
    /// (at most `maximumChapters`), before the rules on count, order and duration.
    public static func timestampedLines(in notes: String) -> [Chapter] {
        var chapters: [Chapter] = []
        for line in plainText(notes).split(whereSeparator: \.isNewline) {
            guard let chapter = chapter(in: line) else { continue }
            chapters.append(chapter)
            if chapters.count == maximumChapters { break }
        }
        return chapters
    }

    private static let separators: Set<Character> = ["-", "–", "—", ":", "|", ".", "·", "•", "~", "/"]
    private static let bullets: Set<Character> = ["-", "*", "•", "·", "–", "—", "+"]

    /// The chapter a line announces, if it starts with a timestamp and has a title.
    static func chapter(in line: Substring) -> Chapter? {
        var rest = line.drop { $0.isWhitespace }
        if let first = rest.first, bullets.contains(first), rest.dropFirst().first?.isWhitespace == true {
            rest = rest.dropFirst().drop { $0.isWhitespace }
        }
        var close: Character?
        if rest.first == "(" { close = ")" } else if rest.first == "[" { close = "]" }
        if close != nil { rest = rest.dropFirst() }
        guard let (start, afterStart) = timestamp(at: rest) else { return nil }
        rest = afterStart
        var end: Double?
        if let close {
            // "(05:30)" or a range inside the bracket, "[05:30 – 12:00]".
            let inside = rest.drop { $0.isWhitespace || separators.contains($0) }
            if inside.first != close, let (second, afterSecond) = timestamp(at: inside) {
                end = second
                rest = afterSecond.drop { $0.isWhitespace }
            }
            guard rest.first == close else { return nil }
            rest = rest.dropFirst()
        }
        rest = rest.drop { $0.isWhitespace || separators.contains($0) }
        if end == nil, let (second, afterSecond) = timestamp(at: rest) {
            end = second
            rest = afterSecond.drop { $0.isWhitespace || separators.contains($0) }
        }
        let title = rest.trimmingWhitespace()
        guard title.contains(where: { $0.isLetter || $0.isNumber }) else { return nil }
        return Chapter(title: title, start: start, end: end.flatMap { $0 > start ? $0 : nil })
    }

    /// A timestamp at the start of `text` and the text after it.
    static func timestamp(at text: Substring) -> (Double, Substring)? {
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        var i = text.startIndex
        var digits = 0
        while i < text.endIndex, isDigit(text[i]), digits <= 3 {
            digits += 1
            i = text.index(after: i)
        }
        guard (1...3).contains(digits) else { return nil }
        var fields = 1
        while fields < 3, i < text.endIndex, text[i] == ":" {
            let a = text.index(after: i)
            guard a < text.endIndex, isDigit(text[a]) else { break }
            let b = text.index(after: a)
            guard b < text.endIndex, isDigit(text[b]) else { return nil }
            i = text.index(after: b)
            fields += 1
        }
        guard fields >= 2 else { return nil }
        if i < text.endIndex {
            let next = text[i]
            if next.isLetter || next.isNumber { return nil }
            if next == ":", let after = text[text.index(after: i)...].first, after.isNumber { return nil }
        }
        guard let seconds = TimeFormat.parseClock(text[text.startIndex..<i]) else { return nil }
        return (seconds, text[i...])
    }

    /// `html` reduced to text, minimally: line-breaking tags (`<br>`, `<p>`, `<li>`, `<div>`,
    /// headings, `<tr>`) become line ends, other tags vanish, and the common entities
    /// (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#39;` `&nbsp;` dashes, quotes, `&#NNN;`,
    /// `&#xHH;`) are decoded. A `<` not starting a tag and an unknown entity stay as written.
    public static func plainText(_ html: String) -> String {
        let scalars = Array(html.unicodeScalars)
        guard scalars.contains(where: { $0 == "<" || $0 == "&" }) else { return html }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            if scalar == "<", let (end, breaksLine) = tag(in: scalars, at: i) {
                if breaksLine { out.append("\n") }
                i = end
            } else if scalar == "&", let (decoded, end) = HTMLEntity.entity(in: scalars, at: i) {
                out.append(decoded)
                i = end
            } else {
                out.append(scalar)
                i += 1
            }
        }
        return String(out)
    }

    private static let lineBreakingTags: Set<String> = [
        "br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "pre", "table",
    ]

    /// A tag starting at `scalars[start]` (a `<`): the index after its `>`, and whether it breaks
    /// the line. nil when this `<` does not start a tag (followed by a letter, `/` or `!`, closed
    /// within 2,000 characters).
    private static func tag(in scalars: [Unicode.Scalar], at start: Int) -> (Int, Bool)? {
        var i = start + 1
        if i < scalars.count, scalars[i] == "/" || scalars[i] == "!" { i += 1 }
        guard i < scalars.count, scalars[i].properties.isAlphabetic || scalars[i - 1] == "!" else { return nil }
        var name = ""
        while i < scalars.count, scalars[i].properties.isAlphabetic || ("0"..."9").contains(scalars[i]), name.count < 12 {
            name.unicodeScalars.append(scalars[i])
            i += 1
        }
        let limit = min(scalars.count, start + 2_000)
        while i < limit, scalars[i] != ">" { i += 1 }
        guard i < limit else { return nil }
        return (i + 1, lineBreakingTags.contains(name.lowercased()))
    }

}
