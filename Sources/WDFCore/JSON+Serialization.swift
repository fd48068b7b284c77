extension JSON {
    /// Compact one-line text (no newline inside, so it can be framed by "\n").
    public var serialized: String {
        String(decoding: serializedBytes, as: UTF8.self)
    }

    /// `serialized` as UTF-8 bytes, written straight into one buffer (the daemon's replies: a
    /// 10,000-episode list is 2.7 MB).
    public var serializedBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(to: &out)
        return out
    }

    /// Appends `serialized` to `out`.
    public func append(to out: inout [UInt8]) {
        write(to: &out)
    }

    private static let nullText = Array("null".utf8), trueText = Array("true".utf8), falseText = Array("false".utf8)

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += JSON.nullText
        case let .bool(b): out += b ? JSON.trueText : JSON.falseText
        case let .number(n): JSON.writeNumber(n, to: &out)
        case let .string(s): JSON.writeString(s, to: &out)
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(pairs):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeNumber(_ n: Double, to out: inout [UInt8]) {
        guard n.isFinite else { out += JSON.nullText; return }
        // Whole numbers print exactly up to 2^53 (beyond it a Double holds no odd integers anyway):
        // modification times in microseconds are about 1.8e15.
        if n.rounded() == n, abs(n) <= 9_007_199_254_740_992 {
            writeInteger(Int64(n), to: &out)
        } else if abs(n) >= 1e15 {
            // Milliseconds mean nothing this far out, and n × 1000 would overflow to infinity
            // (printed "inf", which no JSON reader takes): the shortest text that reads back.
            out += "\(n)".utf8
        } else {
            // Milliseconds are the finest grain anything here needs; keep output short and stable.
            let rounded = (n * 1000).rounded() / 1000
            if rounded.rounded() == rounded && abs(rounded) < 1e15 {
                writeInteger(Int64(rounded), to: &out)
            } else {
                out += "\(rounded)".utf8
            }
        }
    }

    private static func writeInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: buffer[i...])
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied whole. Bytes below 0x80 are whole
            // characters in UTF-8, so escaping byte by byte is escaping character by character.
            // Beyond what JSON requires, DEL, the C1 controls, the bidi controls and U+2028/2029
            // are written as \uXXXX too (as TerminalText sees them, plus the two separators
            // JavaScript once refused): the data is the same, and `--json` on a terminal or a
            // log cannot carry a control sequence either. Other text is written as it is.
            var start = 0
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b >= 0x7F {
                    let n = b == 0x7F ? 1 : escapedLength(bytes, at: i)
                    guard n > 0 else { i += 1; continue }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                    var scalar: UInt32 = UInt32(b)
                    if n == 2 { scalar = UInt32(b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F) }
                    if n == 3 { scalar = UInt32(b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F) }
                    out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), hex[Int(scalar >> 12 & 15)], hex[Int(scalar >> 8 & 15)],
                            hex[Int(scalar >> 4 & 15)], hex[Int(scalar & 15)]]
                    i += n
                    start = i
                    continue
                }
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { i += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                i += 1
                start = i
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
                case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
                default:
                    out += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]]
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The length of the UTF-8 sequence at `i` (a byte ≥ 0x80 of valid UTF-8) when it is one
    /// written as \uXXXX: a C1 control, U+061C, U+200E/F, U+2028–U+202E, U+2066–U+2069; else 0.
    @inline(__always)
    private static func escapedLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        switch bytes[i] {
        case 0xC2: return bytes[i + 1] <= 0x9F ? 2 : 0
        case 0xD8: return bytes[i + 1] == 0x9C ? 2 : 0
        case 0xE2:
            let b1 = bytes[i + 1], b2 = bytes[i + 2]
            if b1 == 0x80, b2 == 0x8E || b2 == 0x8F || (0xA8...0xAE).contains(b2) { return 3 }
            if b1 == 0x81, (0xA6...0xA9).contains(b2) { return 3 }
            return 0
        default: return 0
        }
    }
}
