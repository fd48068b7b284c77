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

    // MARK: entities

    /// The character of a named HTML entity (`"eacute"` → "é"), for the common ones.
    public static func namedEntity(_ name: String) -> Unicode.Scalar? {
        namedEntities[name]
    }

    /// The character of a numeric reference `&#code;`: code points 128–159 are read as
    /// Windows-1252 (as browsers do: `&#150;` is "–"); 0, surrogates and values beyond Unicode
    /// give U+FFFD.
    public static func numericEntity(_ code: UInt32) -> Unicode.Scalar {
        if (0x80...0x9F).contains(code) { return windows1252[Int(code - 0x80)] }
        guard code != 0, let scalar = Unicode.Scalar(code) else { return "\u{FFFD}" }
        return scalar
    }

    /// The Windows-1252 characters of bytes 0x80–0x9F (undefined ones kept as the C1 control).
    public static let windows1252: [Unicode.Scalar] = [
        "\u{20AC}", "\u{81}", "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", "\u{8D}", "\u{017D}", "\u{8F}",
        "\u{90}", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", "\u{9D}", "\u{017E}", "\u{0178}",
    ]

    private static let namedEntities: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
            "ndash": "–", "mdash": "—", "hellip": "…", "lsquo": "‘", "rsquo": "’", "sbquo": "‚",
            "ldquo": "“", "rdquo": "”", "bdquo": "„", "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›",
            "bull": "•", "middot": "·", "prime": "′", "Prime": "″", "dagger": "†", "Dagger": "‡", "permil": "‰",
            "copy": "©", "reg": "®", "trade": "™", "deg": "°", "plusmn": "±", "times": "×", "divide": "÷",
            "frac12": "½", "frac14": "¼", "frac34": "¾", "sup1": "¹", "sup2": "²", "sup3": "³",
            "micro": "µ", "para": "¶", "sect": "§", "cent": "¢", "pound": "£", "yen": "¥", "euro": "€",
            "curren": "¤", "iexcl": "¡", "iquest": "¿", "ordf": "ª", "ordm": "º", "not": "¬", "shy": "\u{AD}",
            "macr": "¯", "acute": "´", "cedil": "¸", "uml": "¨", "brvbar": "¦", "szlig": "ß",
            "ensp": "\u{2002}", "emsp": "\u{2003}", "thinsp": "\u{2009}", "zwnj": "\u{200C}", "zwj": "\u{200D}",
            "lrm": "\u{200E}", "rlm": "\u{200F}", "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "harr": "↔",
            "hearts": "♥", "spades": "♠", "clubs": "♣", "diams": "♦", "infin": "∞", "minus": "−", "asymp": "≈",
            "ne": "≠", "le": "≤", "ge": "≥", "oline": "‾", "frasl": "⁄", "circ": "ˆ", "tilde": "˜",
            "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "pi": "π", "mu": "μ", "sigma": "σ", "omega": "ω",
            "Delta": "Δ", "Omega": "Ω", "Sigma": "Σ", "ETH": "Ð", "eth": "ð", "THORN": "Þ", "thorn": "þ",
            "AElig": "Æ", "aelig": "æ", "OElig": "Œ", "oelig": "œ", "Scaron": "Š", "scaron": "š", "Yuml": "Ÿ", "fnof": "ƒ",
        ]
        // Letters with accents: &eacute; &Ouml; …
        let accents: [(String, [(Character, UInt32)])] = [
            ("grave", [("A", 0xC0), ("E", 0xC8), ("I", 0xCC), ("O", 0xD2), ("U", 0xD9), ("a", 0xE0), ("e", 0xE8), ("i", 0xEC), ("o", 0xF2), ("u", 0xF9)]),
            ("acute", [("A", 0xC1), ("E", 0xC9), ("I", 0xCD), ("O", 0xD3), ("U", 0xDA), ("Y", 0xDD), ("a", 0xE1), ("e", 0xE9), ("i", 0xED), ("o", 0xF3), ("u", 0xFA), ("y", 0xFD)]),
            ("circ", [("A", 0xC2), ("E", 0xCA), ("I", 0xCE), ("O", 0xD4), ("U", 0xDB), ("a", 0xE2), ("e", 0xEA), ("i", 0xEE), ("o", 0xF4), ("u", 0xFB)]),
            ("tilde", [("A", 0xC3), ("N", 0xD1), ("O", 0xD5), ("a", 0xE3), ("n", 0xF1), ("o", 0xF5)]),
            ("uml", [("A", 0xC4), ("E", 0xCB), ("I", 0xCF), ("O", 0xD6), ("U", 0xDC), ("a", 0xE4), ("e", 0xEB), ("i", 0xEF), ("o", 0xF6), ("u", 0xFC), ("y", 0xFF)]),
            ("ring", [("A", 0xC5), ("a", 0xE5)]),
            ("cedil", [("C", 0xC7), ("c", 0xE7)]),
            ("slash", [("O", 0xD8), ("o", 0xF8)]),
        ]
        for (suffix, letters) in accents {
            for (letter, code) in letters { table[String(letter) + suffix] = Unicode.Scalar(code) }
        }
        return table
    }()

    /// The entity at `scalars[start]` (a `&`): its character and the index after its `;`, or nil
    /// when it is no entity this knows (it then stays as written).
    public static func entity(in scalars: [Unicode.Scalar], at start: Int) -> (Unicode.Scalar, Int)? {
        var i = start + 1
        let limit = min(scalars.count, start + 34)
        if i < limit, scalars[i] == "#" {
            i += 1
            var radix: UInt32 = 10
            if i < limit, scalars[i] == "x" || scalars[i] == "X" { radix = 16; i += 1 }
            var code: UInt32 = 0
            var digits = 0
            while i < limit, let digit = hexValue(scalars[i]), digit < radix {
                code = min(code * radix + digit, 0x11_0000)
                digits += 1
                i += 1
            }
            guard digits > 0, i < scalars.count, scalars[i] == ";" else { return nil }
            return (numericEntity(code), i + 1)
        }
        var name = ""
        while i < limit, scalars[i].isASCII, scalars[i].properties.isAlphabetic || ("0"..."9").contains(scalars[i]) {
            name.unicodeScalars.append(scalars[i])
            i += 1
        }
        guard !name.isEmpty, i < scalars.count, scalars[i] == ";", let scalar = namedEntities[name] else { return nil }
        return (scalar, i + 1)
    }

    private static func hexValue(_ s: Unicode.Scalar) -> UInt32? {
        switch s {
        case "0"..."9": return s.value - 0x30
        case "a"..."f": return s.value - 0x61 + 10
        case "A"..."F": return s.value - 0x41 + 10
        default: return nil
        }
    }

    // MARK: plain text

    private static func decodePlain(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s == "&", let (decoded, next) = entity(in: scalars, at: i) {
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

    private struct Renderer {
        let scalars: [Unicode.Scalar]
        let collapsesWhitespace: Bool
        var out: [Unicode.Scalar] = []
        var pendingSpace = false
        var preformatted = 0
        /// For each open list: the next number of an `<ol>`, nil for a `<ul>`.
        var lists: [Int?] = []
        var link: (href: String, start: Int)?
        var lastWasCR = false
        /// Index of the last `>`: a `<` after it cannot start a tag (so no scan runs to the end twice).
        let lastGreaterThan: Int

        init(scalars: [Unicode.Scalar], collapsesWhitespace: Bool) {
            self.scalars = scalars
            self.collapsesWhitespace = collapsesWhitespace
            lastGreaterThan = scalars.lastIndex(of: ">") ?? -1
            out.reserveCapacity(scalars.count)
        }

        var collapsing: Bool { collapsesWhitespace && preformatted == 0 }
        var atLineStart: Bool { out.isEmpty || out.last == "\n" }

        mutating func run() {
            var i = 0
            while i < scalars.count {
                let s = scalars[i]
                if s == "<", let next = markup(at: i) {
                    i = next
                } else if s == "&", let (decoded, next) = ShowNotesText.entity(in: scalars, at: i) {
                    switch decoded {
                    case "\u{AD}": break
                    case "\u{A0}": text(" ", literal: true)
                    default: text(decoded, literal: false)
                    }
                    i = next
                } else {
                    text(s, literal: false)
                    i += 1
                }
            }
            if link != nil { closeLink() }
        }

        mutating func text(_ s: Unicode.Scalar, literal: Bool) {
            if collapsing {
                if !literal, s == " " || s == "\n" || s == "\t" || s == "\r" || s == "\u{C}" {
                    pendingSpace = true
                    return
                }
                if pendingSpace, !atLineStart, out.last != " " { out.append(" ") }
                pendingSpace = false
                out.append(s)
            } else if s == "\n", lastWasCR {
                lastWasCR = false
            } else {
                if pendingSpace, s != " ", s != "\n", s != "\t", s != "\r", let last = out.last, last != " ", last != "\n" {
                    out.append(" ")
                }
                pendingSpace = false
                lastWasCR = s == "\r"
                out.append(lastWasCR ? "\n" : s)
            }
        }

        mutating func endLine() {
            if !atLineStart { out.append("\n") }
            pendingSpace = false
        }

        mutating func paragraph() {
            endLine()
            if out.count >= 1, !(out.count >= 2 && out[out.count - 2] == "\n") { out.append("\n") }
        }

        mutating func space() {
            pendingSpace = true
        }

        mutating func flushSpace() {
            if pendingSpace, !atLineStart, out.last != " " { out.append(" ") }
            pendingSpace = false
        }

        /// Handles the markup at `scalars[i]` (a `<`) and returns the index after it; nil when
        /// this `<` starts no markup (it is then text).
        mutating func markup(at i: Int) -> Int? {
            guard i + 1 < scalars.count else { return nil }
            let next = scalars[i + 1]
            if next == "!" {
                if starts(with: "<!--", at: i) {
                    return find("-->", from: i + 4).map { $0 + 3 } ?? scalars.count
                }
                if starts(with: "<![CDATA[", at: i) {
                    let end = find("]]>", from: i + 9) ?? scalars.count
                    for s in scalars[(i + 9)..<end] { text(s, literal: false) }
                    return min(end + 3, scalars.count)
                }
                return tagEnd(from: i + 2)
            }
            if next == "?" { return tagEnd(from: i + 2) }
            let closing = next == "/"
            let nameStart = closing ? i + 2 : i + 1
            guard nameStart < scalars.count, isLetter(scalars[nameStart]), i < lastGreaterThan else { return nil }
            let (name, nameEnd) = tagName(scalars, from: nameStart)
            guard let end = tagEnd(from: nameEnd) else { return nil }
            if closing {
                endTag(name)
                return end
            }
            if name == "script" || name == "style" {
                // Everything up to the matching end tag is dropped (to the end when there is none).
                return find("</" + name, from: end, caseInsensitive: true).flatMap { tagEnd(from: $0 + 2) } ?? scalars.count
            }
            startTag(name, attributes: nameEnd..<(end - 1))
            return end
        }

        mutating func startTag(_ name: String, attributes: Range<Int>) {
            switch name {
            case "br": out.append("\n"); pendingSpace = false
            case "p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "dl":
                paragraph()
            case "pre": paragraph(); preformatted += 1
            case "ul", "ol":
                if lists.isEmpty { paragraph() } else { endLine() }
                lists.append(name == "ol" ? 1 : nil)
            case "li":
                endLine()
                // Indented by nesting depth, at most `maximumListIndent` levels: thousands of
                // unclosed lists must not make each item thousands of blanks (quadratic output).
                let depth = min(max(lists.count, 1), ShowNotesText.maximumListIndent)
                out.append(contentsOf: String(repeating: "  ", count: depth - 1).unicodeScalars)
                if let number = lists.last ?? nil {
                    out.append(contentsOf: "\(number). ".unicodeScalars)
                    lists[lists.count - 1] = number + 1
                } else {
                    out.append(contentsOf: "• ".unicodeScalars)
                }
            case "div", "tr", "dt", "dd", "section", "article", "header", "footer", "figure", "figcaption", "address", "center":
                endLine()
            case "td", "th": space()
            case "a":
                if link != nil { closeLink() }
                let href = attribute("href", in: attributes) ?? ""
                flushSpace()
                link = (href.trimmingWhitespace(), out.count)
            default: break
            }
        }

        mutating func endTag(_ name: String) {
            switch name {
            case "p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "dl": paragraph()
            case "pre": preformatted = max(0, preformatted - 1); paragraph()
            case "ul", "ol":
                if !lists.isEmpty { lists.removeLast() }
                if lists.isEmpty { paragraph() } else { endLine() }
            case "li", "div", "tr", "dt", "dd", "section", "article", "header", "footer", "figure", "figcaption", "address", "center":
                endLine()
            case "td", "th": space()
            case "a": if link != nil { closeLink() }
            default: break
            }
        }

        mutating func closeLink() {
            guard let (href, start) = link else { return }
            link = nil
            let lowered = href.lowercased()
            guard !href.isEmpty, !lowered.hasPrefix("javascript:"), !lowered.hasPrefix("#") else { return }
            let shown = String(String.UnicodeScalarView(out[min(start, out.count)...])).trimmingWhitespace()
            if shown.isEmpty {
                if !atLineStart, out.last != " " { out.append(" ") }
                out.append(contentsOf: href.unicodeScalars)
                pendingSpace = true
            } else if !ShowNotesText.sameAddress(shown, href) {
                out.append(contentsOf: " (\(href))".unicodeScalars)
            }
        }

        /// The value of attribute `name` in the tag's attribute text, entities decoded.
        func attribute(_ name: String, in range: Range<Int>) -> String? {
            var i = range.lowerBound
            while i < range.upperBound {
                while i < range.upperBound, scalars[i] == " " || scalars[i] == "\n" || scalars[i] == "\t" || scalars[i] == "\r" || scalars[i] == "/" { i += 1 }
                let nameStart = i
                while i < range.upperBound, !" \n\t\r=/>".unicodeScalars.contains(scalars[i]) { i += 1 }
                let attributeName = String(String.UnicodeScalarView(scalars[nameStart..<i])).lowercased()
                while i < range.upperBound, scalars[i] == " " || scalars[i] == "\n" || scalars[i] == "\t" { i += 1 }
                var value: Range<Int>?
                if i < range.upperBound, scalars[i] == "=" {
                    i += 1
                    while i < range.upperBound, scalars[i] == " " || scalars[i] == "\n" || scalars[i] == "\t" { i += 1 }
                    if i < range.upperBound, scalars[i] == "\"" || scalars[i] == "'" {
                        let quote = scalars[i]
                        let start = i + 1
                        i = start
                        while i < range.upperBound, scalars[i] != quote { i += 1 }
                        value = start..<i
                        i += 1
                    } else {
                        let start = i
                        while i < range.upperBound, !" \n\t\r".unicodeScalars.contains(scalars[i]) { i += 1 }
                        value = start..<i
                    }
                }
                if nameStart == i { i += 1; continue }
                if attributeName == name {
                    guard let value else { return "" }
                    return ShowNotesText.decodeAttribute(Array(scalars[value]))
                }
            }
            return nil
        }

        func starts(with prefix: String, at i: Int) -> Bool {
            var j = i
            for p in prefix.unicodeScalars {
                guard j < scalars.count, scalars[j] == p else { return false }
                j += 1
            }
            return true
        }

        /// The index of the next `needle` at or after `from`.
        func find(_ needle: String, from: Int, caseInsensitive: Bool = false) -> Int? {
            let pattern = Array(needle.unicodeScalars)
            guard let first = pattern.first else { return nil }
            var i = from
            while i + pattern.count <= scalars.count {
                if scalars[i] == first {
                    var matched = true
                    for k in 1..<pattern.count {
                        let s = caseInsensitive ? ShowNotesText.lower(scalars[i + k]) : scalars[i + k]
                        if s != pattern[k] { matched = false; break }
                    }
                    if matched { return i }
                }
                i += 1
            }
            return nil
        }

        /// The index after the next `>` at or after `from`, or nil when there is none.
        func tagEnd(from: Int) -> Int? {
            guard from <= lastGreaterThan else { return nil }
            var i = from
            while scalars[i] != ">" { i += 1 }
            return i + 1
        }
    }

    static func decodeAttribute(_ scalars: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "&", let (decoded, next) = entity(in: scalars, at: i) {
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
