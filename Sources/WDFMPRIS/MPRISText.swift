import WDFCore

/// Text on its way to the bus: a stranger's (a tag, a feed, a URI someone sent) and shown by
/// widgets and by `playerctl` in terminals and status bars. Made harmless the way every log line
/// is (`TerminalText`, one line: controls as `^[`, bidi controls as `<U+202E>`; a NUL, which D-Bus
/// strings cannot hold, as `^@`) and cut to a bound at a character boundary. Swift strings are
/// valid UTF-8, so what sd-bus checks always passes.
public enum MPRISText {
    /// The most bytes of a title, album or artist on the bus.
    public static let maximumBytes = 1024

    /// `text` cleaned and at most `limit` bytes of UTF-8 (an ellipsis marks a cut).
    public static func bounded(_ text: String, limit: Int = maximumBytes) -> String {
        // Cut before cleaning too: cleaning is linear, but a 100 MB title need not be scanned.
        let cut = text.utf8.count > limit
        let cleaned = TerminalText.clean(cut ? prefix(text, bytes: limit) : text, lines: .escaped)
        guard cut || cleaned.utf8.count > limit else { return cleaned }
        return prefix(cleaned, bytes: limit - 3) + "…"
    }

    /// The longest run of whole characters of `text` within `bytes` bytes of UTF-8.
    static func prefix(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            if used + size > bytes { break }
            used += size
            end = text.index(after: index)
        }
        return String(text[..<end])
    }
}
