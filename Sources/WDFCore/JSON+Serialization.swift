extension JSON {
    /// Compact one-line text (no newline inside, so it can be framed by "\n").
    public var serialized: String {
        var out = ""
        out.reserveCapacity(128)
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .number(n): JSON.writeNumber(n, to: &out)
        case let .string(s): JSON.writeString(s, to: &out)
        case let .array(items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case let .object(pairs):
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out += "," }
                JSON.writeString(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeNumber(_ n: Double, to out: inout String) {
        guard n.isFinite else { out += "null"; return }
        // Whole numbers print exactly up to 2^53 (beyond it a Double holds no odd integers anyway):
        // modification times in microseconds are about 1.8e15.
        if n.rounded() == n, abs(n) <= 9_007_199_254_740_992 {
            out += String(Int64(n))
        } else {
            // Milliseconds are the finest grain anything here needs; keep output short and stable.
            let rounded = (n * 1000).rounded() / 1000
            out += rounded.rounded() == rounded && abs(rounded) < 1e15 ? String(Int64(rounded)) : "\(rounded)"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
