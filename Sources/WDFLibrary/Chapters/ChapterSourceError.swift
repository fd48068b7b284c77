import WDFCore

/// A chapter source that is present but cannot be used: a sidecar that is not valid JSON, a CUE
/// sheet with a malformed `INDEX` … `description` is one sentence naming the file and the line or
/// field, for the log and for `wdfctl chapters`.
public struct ChapterSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var origin: ChapterOrigin
    /// The file (or, for sources without one, what was read: "the ID3 comment").
    public var file: String
    /// 1-based line in `file`, when the problem is on one.
    public var line: Int?
    /// Where in a structured file: `chapters[3].startTime`.
    public var field: String?
    /// What is wrong, lower-case, without a final full stop: `INDEX 01 must be mm:ss:ff, not "1:2"`.
    public var reason: String

    public init(_ origin: ChapterOrigin, file: String, line: Int? = nil, field: String? = nil, reason: String) {
        self.origin = origin
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var place = file
        if let line { place += ", line \(line)" }
        if let field { place += ", \(field)" }
        return "Ignoring the \(origin.label) \(place): \(reason)."
    }
}
