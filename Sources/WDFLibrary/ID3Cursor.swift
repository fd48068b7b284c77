import WDFCore

/// A bounds-checked reading position over a byte slice.
///
/// Every read returns `nil` (and consumes nothing) when the bytes are not there, so
/// parsing code never indexes past the end, whatever lengths the input claims.
/// Slices returned share storage with the input: nothing is copied.
struct ID3Cursor {
    /// The bytes being read; indices are those of the slice (not necessarily 0-based).
    let bytes: ArraySlice<UInt8>
    /// Absolute index (in `bytes`' index space) of the next byte to read.
    private(set) var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    /// Bytes left to read.
    var remaining: Int { bytes.endIndex - position }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// Offset of the next byte from the start of the slice.
    var offset: Int { position - bytes.startIndex }

    /// The byte `ahead` positions after the current one, without consuming anything.
    func peek(_ ahead: Int = 0) -> UInt8? {
        guard ahead >= 0, ahead < remaining else { return nil }
        return bytes[position + ahead]
    }

    /// `count` bytes starting `ahead` positions after the current one, without consuming anything.
    func peek(_ ahead: Int, count: Int) -> ArraySlice<UInt8>? {
        guard ahead >= 0, count >= 0, ahead <= remaining, count <= remaining - ahead else { return nil }
        return bytes[(position + ahead)..<(position + ahead + count)]
    }

    mutating func readByte() -> UInt8? {
        guard position < bytes.endIndex else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    /// A big-endian unsigned integer of `width` bytes (1...4).
    mutating func readUInt(width: Int) -> UInt32? {
        guard width >= 1, width <= 4, let raw = readBytes(width) else { return nil }
        return raw.reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func readUInt32() -> UInt32? { readUInt(width: 4) }

    /// The next `count` bytes (shared storage), or `nil` when fewer remain.
    mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// Everything not read yet.
    mutating func readRest() -> ArraySlice<UInt8> {
        defer { position = bytes.endIndex }
        return bytes[position...]
    }

    /// Skips `count` bytes; returns `false` (and skips nothing) when fewer remain.
    @discardableResult
    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= remaining else { return false }
        position += count
        return true
    }

    /// Bytes up to a single NUL terminator, consuming the terminator.
    /// `nil` (nothing consumed) when there is no terminator.
    mutating func readNULTerminated() -> ArraySlice<UInt8>? {
        let rest = bytes[position...]
        guard let nul = rest.firstIndex(of: 0) else { return nil }
        defer { position = nul + 1 }
        return bytes[position..<nul]
    }
}
