/// Finds the line on which each top-level key of a TOML document is defined.
///
/// TOMLKit does not expose the source positions of nodes, so this scans the text itself. It only
/// runs on text toml++ has already accepted, so it can be lenient: it understands comments, bare,
/// quoted and dotted keys, `[table]` / `[[array]]` headers, and values spanning several lines
/// (arrays, inline tables, multi-line strings), so a line inside a string never counts as a key.
struct TOMLKeyLocator {
    struct Location: Equatable {
        /// 1-based line.
        var line: Int
        /// The key was introduced by a `[table]` or `[[array of tables]]` header.
        var isTableHeader: Bool
    }

    /// The first line defining each top-level name: `key = …` / `key.sub = …` lines before the
    /// first table header, and the first segment of every table header.
    static func topLevelKeys(in text: String) -> [String: Location] {
        var locator = TOMLKeyLocator(Array(text.utf8))
        return locator.scan()
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    private static let newline = UInt8(ascii: "\n")
    private static let quote = UInt8(ascii: "\"")
    private static let apostrophe = UInt8(ascii: "'")
    private static let backslash = UInt8(ascii: "\\")
    private static let hash = UInt8(ascii: "#")

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func scan() -> [String: Location] {
        var found: [String: Location] = [:]
        func record(_ name: String, _ location: Location) {
            if found[name] == nil { found[name] = location }
        }
        var inRootTable = true
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // UTF-8 byte order mark
        while let byte = current {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case Self.newline:
                line += 1
                index += 1
            case Self.hash:
                skipToEndOfLine()
            case UInt8(ascii: "["):
                let headerLine = line
                index += 1
                if current == UInt8(ascii: "[") { index += 1 }
                if let name = keyPath() { record(name, Location(line: headerLine, isTableHeader: true)) }
                inRootTable = false
                skipToEndOfLine()
            default:
                let keyLine = line
                guard let name = keyPath() else {
                    skipToEndOfLine()
                    continue
                }
                if inRootTable { record(name, Location(line: keyLine, isTableHeader: false)) }
                skipBlanks()
                if current == UInt8(ascii: "=") { index += 1 }
                skipValue()
            }
        }
        return found
    }

    private mutating func skipBlanks() {
        while let byte = current, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
    }

    /// Up to (not including) the next newline.
    private mutating func skipToEndOfLine() {
        while let byte = current, byte != Self.newline { index += 1 }
    }

    /// A possibly dotted key; returns its first segment.
    private mutating func keyPath() -> String? {
        skipBlanks()
        guard let first = keySegment() else { return nil }
        while true {
            skipBlanks()
            guard current == UInt8(ascii: ".") else { break }
            index += 1
            skipBlanks()
            guard keySegment() != nil else { break }
        }
        return first
    }

    private mutating func keySegment() -> String? {
        guard let byte = current else { return nil }
        if byte == Self.quote { return basicString() }
        if byte == Self.apostrophe { return literalString() }
        let start = index
        while let byte = current {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), Self.newline,
                 UInt8(ascii: "."), UInt8(ascii: "="), UInt8(ascii: "]"), Self.hash, Self.quote, Self.apostrophe:
                return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
            default:
                index += 1
            }
        }
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
    }

    /// A single-line `'…'` string, decoded.
    private mutating func literalString() -> String {
        index += 1
        let start = index
        while let byte = current, byte != Self.apostrophe, byte != Self.newline { index += 1 }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if current == Self.apostrophe { index += 1 }
        return text
    }

    /// A single-line `"…"` string, escapes decoded.
    private mutating func basicString() -> String {
        index += 1
        var decoded: [UInt8] = []
        while let byte = current, byte != Self.quote, byte != Self.newline {
            index += 1
            guard byte == Self.backslash, let escaped = current else {
                decoded.append(byte)
                continue
            }
            index += 1
            switch escaped {
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "e"): decoded.append(0x1B)
            case UInt8(ascii: "x"): appendScalar(hexDigits: 2, to: &decoded)
            case UInt8(ascii: "u"): appendScalar(hexDigits: 4, to: &decoded)
            case UInt8(ascii: "U"): appendScalar(hexDigits: 8, to: &decoded)
            default: decoded.append(escaped)  // \" and \\ (and anything toml++ accepts verbatim)
            }
        }
        if current == Self.quote { index += 1 }
        return String(decoding: decoded, as: UTF8.self)
    }

    private mutating func appendScalar(hexDigits: Int, to decoded: inout [UInt8]) {
        let end = min(index + hexDigits, bytes.count)
        let digits = String(decoding: bytes[index..<end], as: UTF8.self)
        index = end
        if let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) {
            decoded.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
    }

    /// Any string: `"…"`, `'…'`, `"""…"""` or `'''…'''`; counts the newlines inside.
    private mutating func skipString() {
        guard let delimiter = current else { return }
        let isBasic = delimiter == Self.quote
        if index + 2 < bytes.count, bytes[index + 1] == delimiter, bytes[index + 2] == delimiter {
            index += 3
            while let byte = current {
                if isBasic, byte == Self.backslash {
                    index += 1
                    if current == Self.newline { line += 1 }
                    if current != nil { index += 1 }
                    continue
                }
                if byte == Self.newline { line += 1 }
                if byte == delimiter, index + 2 < bytes.count,
                   bytes[index + 1] == delimiter, bytes[index + 2] == delimiter {
                    index += 3
                    // Up to two quotes may directly precede the closing delimiter: `""""" ` ends
                    // with the content `""`.
                    var extra = 0
                    while extra < 2, current == delimiter {
                        index += 1
                        extra += 1
                    }
                    return
                }
                index += 1
            }
            return
        }
        index += 1
        while let byte = current, byte != delimiter, byte != Self.newline {
            index += isBasic && byte == Self.backslash ? 2 : 1
        }
        if current == delimiter { index += 1 }
    }

    /// A value, through nested arrays and inline tables, up to the newline that ends it.
    private mutating func skipValue() {
        var depth = 0
        while let byte = current {
            switch byte {
            case Self.quote, Self.apostrophe:
                skipString()
            case Self.hash:
                skipToEndOfLine()
            case Self.newline:
                if depth <= 0 { return }
                line += 1
                index += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                index += 1
            default:
                index += 1
            }
        }
    }
}
