import WDFCore

/// Names shown to people: the sound server's (as it reports itself, for messages) and the
/// stream's (the episode title, as mixers such as pavucontrol show it). Both are a stranger's text.
enum StreamNaming {
    /// A stranger's text for a stream or a message: no control characters, at most `limit` characters.
    static func cleaned(_ text: String, limit: Int) -> String {
        // The same rule as every other text shown to a person (TerminalText), cut to `limit`.
        String(String.UnicodeScalarView(TerminalText.clean(text, lines: .escaped).unicodeScalars.prefix(limit)))
            .trimmingWhitespace()
    }

    /// The server's name as it reports itself, for messages.
    static func serverName(_ reported: String) -> String { cleaned(reported, limit: 80) }

    /// The episode title as the stream's name (pavucontrol, `pactl list sink-inputs`).
    static func streamName(_ title: String) -> String {
        let name = cleaned(title, limit: 200)
        return name.isEmpty ? "Podcast episode" : name
    }
}
