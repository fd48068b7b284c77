/// `file://` URIs, both ways: a path for `xesam:url` and `mpris:artUrl`, and what `OpenUri` sends.
public enum FileURI {
    /// The longest URI `OpenUri` takes (a path is at most 4 KiB, three bytes an escaped byte).
    public static let maximumBytes = 12 * 1024 + 16

    /// `file://` and the absolute `path`, every byte but letters, digits, `-._~/` escaped (`%20`).
    public static func encode(path: String) -> String {
        var out = "file://"
        out.reserveCapacity(path.utf8.count + 8)
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    /// The absolute path that a `file:` URI names (`file:///a%20b.mp3`, `file://localhost/…`).
    /// Refused, with a sentence naming the URI: another scheme (`notSupported`), another host, a
    /// relative path, a query or fragment, a bad or NUL escape, bytes that are not UTF-8, or more
    /// than `maximumBytes`.
    public static func decode(_ uri: String) throws(MPRISError) -> String {
        let shown = "\"\(MPRISText.bounded(uri, limit: 200))\""
        guard uri.utf8.count <= maximumBytes else {
            throw .badArgument("The URI \(shown) is longer than \(maximumBytes) bytes.")
        }
        let bytes = Array(uri.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
              String(decoding: bytes[..<colon], as: UTF8.self).lowercased() == "file" else {
            throw .notSupported("Only file:// URIs can be opened, not \(shown).")
        }
        var rest = bytes[(colon + 1)...]
        guard rest.starts(with: "//".utf8) else { throw .badArgument("The URI \(shown) has no // after file:.") }
        rest = rest.dropFirst(2)
        let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        let host = String(decoding: rest[..<slash], as: UTF8.self).lowercased()
        guard host.isEmpty || host == "localhost" else {
            throw .badArgument("The URI \(shown) names another host; only local files can be opened.")
        }
        let path = rest[slash...]
        guard !path.isEmpty else { throw .badArgument("The URI \(shown) names no file.") }
        guard !path.contains(UInt8(ascii: "?")), !path.contains(UInt8(ascii: "#")) else {
            throw .badArgument("The URI \(shown) has a query or fragment; escape ? and # in file names as %3F and %23.")
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(path.count)
        var i = path.startIndex
        while i < path.endIndex {
            let byte = path[i]
            if byte != UInt8(ascii: "%") {
                decoded.append(byte)
                i += 1
                continue
            }
            guard i + 2 < path.endIndex,
                  let high = hexValue(path[i + 1]), let low = hexValue(path[i + 2]) else {
                throw .badArgument("The URI \(shown) has a broken % escape.")
            }
            let value = high << 4 | low
            guard value != 0 else { throw .badArgument("The URI \(shown) has a NUL byte (%00) in its path.") }
            decoded.append(value)
            i += 3
        }
        guard let text = String(validating: decoded, as: UTF8.self) else {
            throw .badArgument("The URI \(shown) names a file whose name is not UTF-8.")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
