import WDFCore

extension ShowNotesText {
    /// Turns show-notes markup into lines of text, one pass over the scalars (see `plain`).
    struct Renderer {
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
                } else if s == "&", let (decoded, next) = HTMLEntity.entity(in: scalars, at: i) {
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
}
