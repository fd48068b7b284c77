import WDFCore

/// `Metadata` of a track, and the conversions between episode seconds and MPRIS microseconds.
/// Every value is checked here: times are finite and in range before they become integers, texts
/// are bounded and harmless (`MPRISText`), URIs are ASCII.
enum MPRISMetadata {
    /// `mpris:trackid` when there is no track (the one path under /org/mpris the spec allows).
    static let noTrack = "/org/mpris/MediaPlayer2/TrackList/NoTrack"
    /// Where our track ids live (the spec reserves /org/mpris for itself).
    static let trackPrefix = "/org/wdfplay/track/"
    /// The most artists listed, and the longest path or web address put in a URI.
    static let maximumArtists = 16
    static let maximumPathBytes = 4096

    /// A valid object path for the track: a 64-bit FNV-1a hash of its key, in hex (a key may be
    /// any text; the path must be `[A-Za-z0-9_/]`). The same episode keeps the same id.
    static func trackID(_ track: MPRISTrack?) -> String {
        guard let track else { return noTrack }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in track.key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return trackPrefix + "e" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The `a{sv}` dictionary for `track` (only `mpris:trackid` without one).
    static func entries(_ track: MPRISTrack?) -> [BusEntry] {
        var entries = [BusEntry("mpris:trackid", .objectPath(trackID(track)))]
        guard let track else { return entries }
        if let length = microseconds(track.duration) { entries.append(BusEntry("mpris:length", .int64(length))) }
        entries.append(BusEntry("xesam:title", .string(MPRISText.bounded(track.title))))
        if let album = track.album { entries.append(BusEntry("xesam:album", .string(MPRISText.bounded(album)))) }
        if !track.artists.isEmpty {
            entries.append(BusEntry("xesam:artist", .strings(track.artists.prefix(maximumArtists).map { MPRISText.bounded($0) })))
        }
        if let number = track.number.flatMap({ Int32(exactly: $0) }), number >= 0 {
            entries.append(BusEntry("xesam:trackNumber", .int32(number)))
        }
        if let url = fileURI(track.path) { entries.append(BusEntry("xesam:url", .string(url))) }
        if let art = track.artPath.flatMap(fileURI) ?? track.artURL.flatMap(webURL) {
            entries.append(BusEntry("mpris:artUrl", .string(art)))
        }
        return entries
    }

    /// `seconds` in whole microseconds, when it is a valid time (`MediaTime`: finite, 0…115 days).
    static func microseconds(_ seconds: Double?) -> Int64? {
        guard let seconds = MediaTime.valid(seconds) else { return nil }
        return Int64(exactly: (seconds * 1_000_000).rounded())
    }

    /// An absolute path of sensible length as a `file://` URI.
    static func fileURI(_ path: String) -> String? {
        guard path.hasPrefix("/"), path.utf8.count <= maximumPathBytes else { return nil }
        return FileURI.encode(path: path)
    }

    /// An `http`/`https` address of printable ASCII and sensible length, as it is; else nil.
    static func webURL(_ text: String) -> String? {
        let lower = text.prefix(8).lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), text.utf8.count <= maximumPathBytes,
              text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        return text
    }
}
