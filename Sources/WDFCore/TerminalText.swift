/// Text on its way to a terminal or a log, made harmless: the one place where a stranger's text
/// (a tag, a file name, a feed, a chapter title, a sentence from the daemon naming one of those)
/// loses the characters that a terminal obeys instead of showing.
///
/// Replaced, visibly and reversibly for a reader, the way `less` shows them:
/// - C0 controls (U+0000–U+001F) and DEL (U+007F) in caret notation: ESC is `^[`, BEL `^G`,
///   CR `^M`, DEL `^?` (what `less`, `cat -v` and git's sideband show). Newline and tab are kept
///   where a text has lines (`.kept`, for show notes); in `.escaped` (a log line) a newline is
///   `^J` too, so that a title cannot forge a second line. A CR right before a newline is
///   dropped in `.kept` (feeds written on Windows), since the newline follows anyway.
/// - C1 controls (U+0080–U+009F: U+009B is a CSI by itself on some terminals) and the bidi
///   controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069: they reorder the rest of
///   the line, so a name can show something other than what it is) as `<U+009B>`, as `less` does.
///
/// Everything else passes untouched: letters of any script, combining marks, emoji, CJK.
/// Text without anything to replace is returned as it came, without a copy (one scan of its
/// UTF-8 bytes).
public enum TerminalText {
    /// What becomes of line breaks.
    public enum Lines: Sendable {
        /// Newlines and tabs stay (a page of show notes, a listing).
        case kept
        /// Everything but the tab is escaped (one log line).
        case escaped
    }

    /// `text` with every control and bidi control replaced (see the type's description).
    public static func clean(_ text: String, lines: Lines = .kept) -> String {
        var text = text
        let cleaned: [UInt8]? = text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count, length(of: bytes, at: i, lines) == 0 { i += 1 }
            guard i < bytes.count else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            var start = 0
            while i < bytes.count {
                let n = length(of: bytes, at: i, lines)
                if n == 0 { i += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                replace(bytes, at: i, length: n, lines, into: &out)
                i += n
                start = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            return out
        }
        guard let cleaned else { return text }
        return String(decoding: cleaned, as: UTF8.self)
    }

    /// How many bytes at `i` start a character to replace (0: none). The text is valid UTF-8,
    /// so a lead byte has its continuation bytes.
    @inline(__always)
    private static func length(of bytes: UnsafeBufferPointer<UInt8>, at i: Int, _ lines: Lines) -> Int {
        let b = bytes[i]
        if b < 0x20 {
            if b == 0x09 { return 0 }
            if b == 0x0A { return lines == .kept ? 0 : 1 }
            return 1
        }
        if b < 0x7F { return 0 }
        if b == 0x7F { return 1 }
        switch b {
        case 0xC2:  // U+0080–U+00BF: the C1 controls are U+0080–U+009F
            return bytes[i + 1] <= 0x9F ? 2 : 0
        case 0xD8:  // U+061C ARABIC LETTER MARK
            return bytes[i + 1] == 0x9C ? 2 : 0
        case 0xE2:
            let b1 = bytes[i + 1], b2 = bytes[i + 2]
            if b1 == 0x80, b2 == 0x8E || b2 == 0x8F || (0xAA...0xAE).contains(b2) { return 3 }  // U+200E/F, U+202A–E
            if b1 == 0x81, (0xA6...0xA9).contains(b2) { return 3 }  // U+2066–U+2069
            return 0
        default:
            return 0
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func replace(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, length n: Int, _ lines: Lines,
                                into out: inout [UInt8]) {
        if n == 1 {
            let b = bytes[i]
            // "\r\n" in a text with lines: the newline alone.
            if b == 0x0D, lines == .kept, i + 1 < bytes.count, bytes[i + 1] == 0x0A { return }
            out.append(UInt8(ascii: "^"))
            out.append(b == 0x7F ? UInt8(ascii: "?") : b + 0x40)
            return
        }
        // Decode the 2- or 3-byte sequence and write <U+XXXX>.
        let scalar: UInt32 = n == 2
            ? UInt32(bytes[i] & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
            : UInt32(bytes[i] & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
        out.append(UInt8(ascii: "<"))
        out.append(UInt8(ascii: "U"))
        out.append(UInt8(ascii: "+"))
        out.append(hex[Int(scalar >> 12 & 0xF)])
        out.append(hex[Int(scalar >> 8 & 0xF)])
        out.append(hex[Int(scalar >> 4 & 0xF)])
        out.append(hex[Int(scalar & 0xF)])
        out.append(UInt8(ascii: ">"))
    }
}
