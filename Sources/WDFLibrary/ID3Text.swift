import WDFCore

/// The text encodings of ID3v2 text frames (the first byte of a text frame's data).
///
/// Decoding never fails: invalid UTF-8 / UTF-16 (such as lone surrogates) becomes U+FFFD.
enum ID3TextEncoding: UInt8, Sendable {
    /// ISO-8859-1, NUL-terminated.
    case latin1 = 0
    /// UTF-16 with a byte-order mark (little-endian is assumed when it is missing).
    case utf16 = 1
    /// UTF-16 big-endian without byte-order mark (v2.4).
    case utf16BigEndian = 2
    /// UTF-8 (v2.4).
    case utf8 = 3

    /// Width in bytes of the string terminator (and the alignment it must have).
    var unitWidth: Int {
        switch self {
        case .latin1, .utf8: return 1
        case .utf16, .utf16BigEndian: return 2
        }
    }

    // MARK: Frames

    /// The first non-empty value of a text frame (`T***` except `TXXX`): encoding byte, then
    /// one or more (v2.4) terminated strings. Trimmed; `nil` when there is none.
    static func textFrameValue(_ data: ArraySlice<UInt8>) -> String? {
        var cursor = ID3Cursor(data)
        guard let code = cursor.readByte(), let encoding = ID3TextEncoding(rawValue: code) else { return nil }
        return encoding.firstValue(cursor.readRest())
    }

    /// The description and text of a comment frame (`COMM`/`COM`): encoding byte, 3-byte
    /// language, terminated description, text. `nil` when the frame is malformed.
    static func commentFrame(_ data: ArraySlice<UInt8>) -> (description: String, text: String?)? {
        var cursor = ID3Cursor(data)
        guard let code = cursor.readByte(), let encoding = ID3TextEncoding(rawValue: code),
              cursor.skip(3) else { return nil }
        let (descriptionBytes, rest) = encoding.splitFirst(cursor.readRest())
        var littleEndian = true
        let description = Self.cleaned(encoding.decode(descriptionBytes, littleEndian: &littleEndian))
        guard let rest else { return (description, nil) }
        return (description, encoding.firstValue(rest, littleEndian: littleEndian))
    }

    /// The URL of a user link frame (`WXXX`): encoding byte, terminated description, then the
    /// URL in ISO-8859-1. `nil` when empty or malformed.
    static func userLinkFrame(_ data: ArraySlice<UInt8>) -> String? {
        var cursor = ID3Cursor(data)
        guard let code = cursor.readByte(), let encoding = ID3TextEncoding(rawValue: code) else { return nil }
        guard let rest = encoding.splitFirst(cursor.readRest()).rest else { return nil }
        return ID3TextEncoding.latin1.firstValue(rest)
    }

    /// A picture frame (`APIC`) as a reference: `embedded image/jpeg, 48213 bytes`. Only the
    /// MIME type and the size are read; the picture stays where it is.
    static func pictureReference(_ data: ArraySlice<UInt8>) -> String? {
        var cursor = ID3Cursor(data)
        guard let code = cursor.readByte(), let encoding = ID3TextEncoding(rawValue: code),
              let mime = cursor.readNULTerminated(), cursor.skip(1) else { return nil }  // picture type
        let afterDescription = encoding.splitFirst(cursor.readRest()).rest ?? []
        let type = String(decoding: mime.prefix(64), as: UTF8.self).trimmingWhitespace()
        return "embedded \(type.isEmpty ? "image" : type), \(afterDescription.count) bytes"
    }

    // MARK: Strings

    /// The first non-empty value among the terminator-separated strings in `bytes`, trimmed.
    func firstValue(_ bytes: ArraySlice<UInt8>, littleEndian: Bool = true) -> String? {
        var remaining: ArraySlice<UInt8>? = bytes
        var littleEndian = littleEndian
        // Each iteration consumes at least one terminator, so this ends; the cap keeps a frame
        // made only of terminators from costing more than a few thousand tiny decodes.
        var budget = 4096
        while let current = remaining, !current.isEmpty, budget > 0 {
            budget -= 1
            let (value, rest) = splitFirst(current)
            let text = Self.cleaned(decode(value, littleEndian: &littleEndian))
            if !text.isEmpty { return text }
            remaining = rest
        }
        return nil
    }

    /// Splits at the first terminator (a NUL, or an aligned NUL pair for UTF-16).
    /// `rest` is `nil` when there is no terminator; it excludes the terminator otherwise.
    func splitFirst(_ bytes: ArraySlice<UInt8>) -> (value: ArraySlice<UInt8>, rest: ArraySlice<UInt8>?) {
        if unitWidth == 1 {
            guard let nul = bytes.firstIndex(of: 0) else { return (bytes, nil) }
            return (bytes[bytes.startIndex..<nul], bytes[(nul + 1)...])
        }
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            if bytes[index] == 0, bytes[index + 1] == 0 {
                return (bytes[bytes.startIndex..<index], bytes[(index + 2)...])
            }
            index += 2
        }
        return (bytes, nil)
    }

    /// Decodes one string (no terminator handling). For `.utf16`, a byte-order mark sets the
    /// endianness (and is remembered in `littleEndian` for following strings that lack one).
    func decode(_ bytes: ArraySlice<UInt8>, littleEndian: inout Bool) -> String {
        switch self {
        case .latin1:
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: bytes.lazy.map { Unicode.Scalar($0) })
            return String(scalars)
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .utf16, .utf16BigEndian:
            var body = bytes
            if self == .utf16BigEndian { littleEndian = false }
            if body.count >= 2 {
                let first = body[body.startIndex], second = body[body.startIndex + 1]
                if first == 0xFF, second == 0xFE {
                    littleEndian = true
                    body = body.dropFirst(2)
                } else if first == 0xFE, second == 0xFF {
                    littleEndian = false
                    body = body.dropFirst(2)
                }
            }
            return Self.decodeUTF16(body, littleEndian: littleEndian)
        }
    }

    private static func decodeUTF16(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) -> String {
        let unitCount = bytes.count / 2  // an odd trailing byte is dropped
        var units = [UInt16]()
        units.reserveCapacity(unitCount)
        var index = bytes.startIndex
        for _ in 0..<unitCount {
            let a = UInt16(bytes[index]), b = UInt16(bytes[index + 1])
            units.append(littleEndian ? (b << 8 | a) : (a << 8 | b))
            index += 2
        }
        // Lone surrogates and other invalid sequences become U+FFFD.
        return String(decoding: units, as: UTF16.self)
    }

    /// Trims whitespace, NULs and stray byte-order marks from both ends.
    static func cleaned(_ text: String) -> String {
        func isJunk(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isWhitespace || scalar == "\u{0}" || scalar == "\u{FEFF}"
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isJunk($0) }),
              let last = scalars.lastIndex(where: { !isJunk($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
