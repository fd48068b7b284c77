import Glibc
import WDFCore
import WDFPlatform

/// Reading one of wdfplay's JSON state files (positions, bookmarks) the same careful way: a
/// missing file is empty, an unreadable one is a sentence, a damaged or newer one is moved aside
/// (`NAME.damaged-<time>`) while whatever can still be read is kept by the caller.
public enum StateFile {
    public enum Contents {
        case missing
        /// It exists but cannot be read (permissions, too large …): left where it is.
        case unreadable(String)
        /// Not a JSON object: the bytes, for whatever can be salvaged, and why.
        case damaged([UInt8], reason: String)
        /// Written by a newer wdfplay (`version` above ours).
        case newer(JSON, version: Int)
        case current(JSON)
    }

    /// Reads `file`; one larger than `limit` bytes is `.unreadable`.
    public static func read(_ file: String, formatVersion: Int, limit: Int = 16 << 20) -> Contents {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(file, limit: limit)
        } catch {
            return error.code == ENOENT ? .missing : .unreadable("\(error)")
        }
        let json: JSON
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            return .damaged(bytes, reason: "it is not valid JSON (\(error))")
        }
        guard case .object = json else { return .damaged(bytes, reason: "it does not hold an object") }
        if let version = json["version"]?.intValue, version > formatVersion { return .newer(json, version: version) }
        return .current(json)
    }

    /// Replaces `file` with `text` atomically (its folder made if needed); `durable` also fsyncs.
    public static func write(_ file: String, _ text: String, durable: Bool) throws(SystemError) {
        try FileSystem.makeDirectory(FileSystem.directoryName(file))
        try FileSystem.writeAtomically(file, Array(text.utf8), durable: durable)
    }

    /// Moves `file` aside and says so: "`what` in FILE could not be used: WHY; moved to …".
    public static func setAside(_ file: String, what: String, why: String) -> String {
        guard let aside = FileSystem.setAside(file) else {
            return "\(what) in \(file) could not be used: \(why); it could not be moved aside either."
        }
        return "\(what) in \(file) could not be used: \(why); moved to \(aside)."
    }
}
