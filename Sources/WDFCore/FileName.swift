import Glibc

/// File names and paths as the kernel has them (bytes, any but NUL) and as the rest of the
/// program has them (Swift `String`s), without losing a file whose name is not valid UTF-8.
///
/// A path string keeps every byte of the name: valid UTF-8 stays as it is, and each byte of an
/// invalid sequence becomes one scalar of a private-use block, U+10FC80…U+10FCFF (byte 0x80…0xFF
/// plus U+10FC00; a byte below 0x80 is always valid). A name that itself holds a character of
/// that block has those characters' bytes escaped the same way, so the mapping is one to one and
/// `bytes(string(x)) == x` for every `x`. Every open, stat and opendir of such a path goes
/// through `withCString`, which turns it back into the kernel's bytes; `display` is for people
/// (titles, messages): each escaped byte shows as U+FFFD, the replacement character.
public enum FileName {
    /// The first scalar of the escape block; byte `b` (0x80…0xFF) is `escapeBase + b`.
    static let escapeBase: UInt32 = 0x10FC00
    static let escapeFirst: UInt32 = escapeBase + 0x80
    static let escapeLast: UInt32 = escapeBase + 0xFF

    /// Longest name a directory entry can hold (NAME_MAX), and the size of `dirent.d_name`.
    public static let maximumLength = 255

    static func isEscape(_ value: UInt32) -> Bool { value >= escapeFirst && value <= escapeLast }

    /// The path string of raw bytes (a name or a whole path). NUL bytes are kept as U+0000.
    public static func string<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        // The common case: valid UTF-8 without a character of the escape block.
        if let text = String(validating: bytes, as: UTF8.self), !hasEscapes(text) {
            return text
        }
        let raw = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < raw.count {
            let lead = raw[i]
            if lead < 0x80 {
                scalars.append(Unicode.Scalar(lead))
                i += 1
                continue
            }
            if let (value, length) = decode(raw, at: i), !isEscape(value), let scalar = Unicode.Scalar(value) {
                scalars.append(scalar)
                i += length
                continue
            }
            if let (_, length) = decode(raw, at: i) {
                // A character of the escape block itself: its bytes are escaped one by one.
                for byte in raw[i..<i + length] { scalars.append(escape(byte)) }
                i += length
                continue
            }
            scalars.append(escape(lead))
            i += 1
        }
        return String(scalars)
    }

    /// The scalar value and length of the well-formed UTF-8 sequence at `i` (shortest form, no
    /// surrogates, at most U+10FFFF), or nil. `raw[i]` is 0x80 or more.
    static func decode(_ raw: [UInt8], at i: Int) -> (UInt32, Int)? {
        let lead = raw[i]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard raw.count - i >= length else { return nil }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length {
            let byte = raw[i + k]
            if k == 1 ? (byte < low || byte > high) : (byte < 0x80 || byte > 0xBF) { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }

    private static func hasEscapeBlock(_ text: String) -> Bool {
        text.unicodeScalars.contains { isEscape($0.value) }
    }

    private static func escape(_ byte: UInt8) -> Unicode.Scalar {
        // 0x10FC80…0x10FCFF are all valid scalars.
        Unicode.Scalar(escapeBase + UInt32(byte)).unsafelyUnwrapped
    }

    /// The kernel's bytes of a path string (without a terminating NUL).
    public static func bytes(_ path: String) -> [UInt8] {
        guard hasEscapes(path) else { return Array(path.utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for scalar in path.unicodeScalars {
            if isEscape(scalar.value) {
                bytes.append(UInt8(truncatingIfNeeded: scalar.value - escapeBase))
            } else {
                bytes.append(contentsOf: UTF8.encode(scalar).unsafelyUnwrapped)
            }
        }
        return bytes
    }

    /// Whether `path` holds an escaped byte (its UTF-8 then differs from the kernel's bytes).
    public static func hasEscapes(_ path: String) -> Bool {
        // Every scalar of the block starts with 0xF4 in UTF-8: most paths are settled by that.
        path.utf8.contains(0xF4) && hasEscapeBlock(path)
    }

    /// Runs `body` with the kernel's NUL-terminated bytes of `path` (for open, stat, opendir …).
    /// A path holding a NUL (a request can send "\u0000") names no file: `body` gets "", which
    /// every call refuses (ENOENT), not the part before the NUL.
    public static func withCString<Result, Failure: Error>(
        _ path: String, _ body: (UnsafePointer<CChar>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var raw = hasEscapes(path) ? bytes(path) : Array(path.utf8)
        if raw.contains(0) { raw = [] }
        raw.append(0)
        return try raw.withUnsafeBufferPointer { (buffer) throws(Failure) -> Result in
            try buffer.withMemoryRebound(to: CChar.self) { (chars) throws(Failure) -> Result in
                try body(chars.baseAddress.unsafelyUnwrapped)
            }
        }
    }

    /// The name for people: each escaped byte shows as U+FFFD ("?" in a diamond), the rest as it is.
    public static func display(_ path: String) -> String {
        guard hasEscapes(path) else { return path }
        var scalars = String.UnicodeScalarView()
        for scalar in path.unicodeScalars {
            scalars.append(isEscape(scalar.value) ? "\u{FFFD}" : scalar)
        }
        return String(scalars)
    }

    /// The process's arguments (the program first), each a path string of its bytes: a path
    /// typed in a shell that is not UTF-8 names its file (`CommandLine.arguments` repairs such
    /// bytes into U+FFFD, which names nothing). Valid UTF-8 arguments are the same either way.
    public static func commandLineArguments() -> [String] {
        (0..<Int(CommandLine.argc)).map { i in
            guard let argument = CommandLine.unsafeArgv[i] else { return "" }
            return string(UnsafeRawBufferPointer(start: argument, count: strlen(argument)))
        }
    }

    /// The name of a directory entry as `readdir` returns it, read from the record itself: never
    /// past its end (`d_reclen`, which may be shorter than `dirent`: the kernel packs the records
    /// of a directory, and the last one may end at the end of mapped memory) nor past NAME_MAX.
    /// Copying `entry.pointee` or its `d_name` would read all 256 bytes of the declared array.
    public static func entryName(_ entry: UnsafePointer<dirent>) -> [UInt8] {
        let record = UnsafeRawPointer(entry)
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
        let recordLength = Int(record.loadUnaligned(fromByteOffset: MemoryLayout<dirent>.offset(of: \dirent.d_reclen) ?? 16,
                                           as: UInt16.self))
        // A record too short to hold any name (never from the kernel) names nothing.
        let room = min(recordLength - offset, maximumLength + 1)
        guard room > 0 else { return [] }
        let name = (record + offset).assumingMemoryBound(to: UInt8.self)
        var length = 0
        while length < room, name[length] != 0 { length += 1 }
        return Array(UnsafeBufferPointer(start: name, count: length))
    }
}
