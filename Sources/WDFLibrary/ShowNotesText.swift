import WDFCore

/// Show notes (HTML, or plain text) as text to read in a terminal.
///
/// HTML: tags are removed; `<br>`, `<p>`, `<div>`, headings, list and table rows end lines;
/// `<li>` becomes a "• " line ("1. " in an `<ol>`); `<a href="U">text</a>` becomes
/// "text (U)" — just the text when it is the URL already, or when the link goes nowhere
/// (`#…`, `javascript:`). `<script>`, `<style>` and comments vanish. Entities are decoded (the
/// common named HTML ones and numeric ones; unknown ones stay as written). Blank lines come one
/// at a time and lines have no trailing blanks.
///
/// Notes without tags are plain text: entities decoded, line breaks kept.
///
/// One pass over the text, so hostile input (unclosed tags and comments, stray `<`, megabytes
/// of markup) costs linear time.
public enum ShowNotesText {
    /// The readable text of `notes`; with `width`, paragraphs are word-wrapped to that many
    /// characters (a word longer than that — a URL — is never broken).
    public static func plain(_ notes: String, width: Int? = nil) -> String {
        let scalars = Array(notes.unicodeScalars)
        let text: [Unicode.Scalar]
        if let hasBlocks = scanMarkup(scalars) {
            var renderer = Renderer(scalars: scalars, collapsesWhitespace: hasBlocks)
            renderer.run()
            text = renderer.out
        } else {
            text = decodePlain(scalars)
        }
        let lines = tidy(text)
        guard let width, width > 0 else { return lines.joined(separator: "\n") }
        return lines.flatMap { wrap($0, width: width) }.joined(separator: "\n")
    }

    // MARK: plain text

    private static func decodePlain(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s == "&", let (decoded, next) = HTMLEntity.entity(in: scalars, at: i) {
                if decoded == "\u{AD}" { i = next; continue }
                out.append(decoded == "\u{A0}" ? " " : decoded)
                i = next
            } else if s == "\r" {
                out.append("\n")
                i += (i + 1 < scalars.count && scalars[i + 1] == "\n") ? 2 : 1
            } else {
                out.append(s)
                i += 1
            }
        }
        return out
    }

    // MARK: markup

    /// Nested lists deeper than this are indented no further.
    static let maximumListIndent = 8

    private static let blockTags: Set<String> = [
        "p", "br", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
        "blockquote", "hr", "pre", "section", "article", "header", "footer", "figure", "figcaption", "address", "center",
    ]

    /// nil when `scalars` hold no tag (plain text); else whether any tag is a block (then
    /// whitespace is collapsed the HTML way; notes with only inline tags keep their line breaks).
    private static func scanMarkup(_ scalars: [Unicode.Scalar]) -> Bool? {
        var found = false
        var i = 0
        while i < scalars.count {
            defer { i += 1 }
            guard scalars[i] == "<", i + 1 < scalars.count else { continue }
            var j = i + 1
            if scalars[j] == "!" { if j + 2 < scalars.count, scalars[j + 1] == "-", scalars[j + 2] == "-" { found = true }; continue }
            if scalars[j] == "/" { j += 1 }
            guard j < scalars.count, isLetter(scalars[j]) else { continue }
            found = true
            let name = tagName(scalars, from: j).name
            if blockTags.contains(name) { return true }
        }
        return found ? false : nil
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }

    /// The lower-cased tag name starting at `from` (at most 16 characters) and the index after it.
    static func tagName(_ scalars: [Unicode.Scalar], from: Int) -> (name: String, end: Int) {
        var name = ""
        var i = from
        while i < scalars.count, isLetter(scalars[i]) || ("0"..."9").contains(scalars[i]) || scalars[i] == "-" || scalars[i] == ":" {
            if name.unicodeScalars.count < 16 { name.unicodeScalars.append(lower(scalars[i])) }
            i += 1
        }
        return (name, i)
    }

    static func lower(_ s: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(s) ? Unicode.Scalar(UInt8(s.value + 32)) : s
    }


    static func decodeAttribute(_ scalars: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "&", let (decoded, next) = HTMLEntity.entity(in: scalars, at: i) {
                out.append(decoded)
                i = next
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Whether a link's text says the same as its address ("www.x.org/" for "https://www.x.org").
    static func sameAddress(_ text: String, _ href: String) -> Bool {
        func normal(_ s: String) -> Substring {
            var s = Substring(s.lowercased())
            for scheme in ["https://", "http://", "mailto:", "tel:"] where s.hasPrefix(scheme) { s = s.dropFirst(scheme.count) }
            if s.hasPrefix("www.") { s = s.dropFirst(4) }
            while s.hasSuffix("/") { s = s.dropLast() }
            return s
        }
        return normal(text) == normal(href)
    }

    // MARK: lines

    /// Lines without trailing blanks; at most one blank line in a row; none first or last.
    private static func tidy(_ text: [Unicode.Scalar]) -> [String] {
        var lines: [String] = []
        var blank = false
        var start = 0
        func isBlank(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\u{A0}" || s == "\u{C}" || s == "\r" }
        for end in text.indices where text[end] == "\n" || end == text.count - 1 {
            var stop = text[end] == "\n" ? end : end + 1
            defer { start = end + 1 }
            while stop > start, isBlank(text[stop - 1]) { stop -= 1 }
            if stop == start {
                blank = !lines.isEmpty
                continue
            }
            if blank { lines.append("") }
            blank = false
            lines.append(String(String.UnicodeScalarView(text[start..<stop])))
        }
        return lines
    }

    /// `line` word-wrapped to `width` characters; continuation lines keep the line's indent
    /// (and hang under the text of a "• " or "1. " item).
    private static func wrap(_ line: String, width: Int) -> [String] {
        guard line.count > width else { return [line] }
        let indent = line.prefix { $0 == " " }
        var hanging = indent.count
        let body = line.dropFirst(indent.count)
        if body.hasPrefix("• ") {
            hanging += 2
        } else if let dot = body.prefix(5).firstIndex(of: "."), body[..<dot].allSatisfy(\.isNumber), !body[..<dot].isEmpty,
                  body[body.index(after: dot)...].first == " " {
            hanging += body.distance(from: body.startIndex, to: dot) + 2
        }
        // Continuation lines hang at most half the width deep: an indent of thousands of blanks
        // repeated on each one-word line would make the output quadratic in the input.
        hanging = min(hanging, width / 2)
        let pad = String(repeating: " ", count: hanging)
        var result: [String] = []
        var current = String(indent)
        var currentCount = indent.count
        var hasWord = false
        for word in body.split(separator: " ", omittingEmptySubsequences: true) {
            let count = word.count
            if hasWord, currentCount + 1 + count > width {
                result.append(current)
                current = pad
                currentCount = hanging
                hasWord = false
            }
            if hasWord { current += " "; currentCount += 1 }
            current += word
            currentCount += count
            hasWord = true
        }
        result.append(current)
        return result
    }
}
