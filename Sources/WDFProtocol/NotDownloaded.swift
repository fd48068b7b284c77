import WDFCore

/// The `detail` of `not_downloaded`: what to fetch.
public struct NotDownloaded: Sendable, Equatable {
    public var guid: String?
    public var title: String
    public var url: String?
    /// Bytes, as the feed declares them.
    public var length: Int?

    public init(guid: String?, title: String, url: String? = nil, length: Int? = nil) {
        self.guid = guid
        self.title = title
        self.url = url
        self.length = length
    }

    public var json: JSON {
        var pairs: [(String, JSON)] = [("guid", JSON(guid)), ("title", .string(title))]
        if let url { pairs.append(("url", .string(url))) }
        if let length { pairs.append(("length", .count(length))) }
        return .object(pairs)
    }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "not_downloaded detail")
        self.init(guid: try f.optionalString("guid"), title: try f.string("title"), url: try f.optionalString("url"),
                  length: try f.optionalInt("length"))
    }

    /// The detail of `error` when it is a `not_downloaded` that can be read, else nil.
    public init?(_ error: WireError) {
        guard error.code == "not_downloaded", let detail = error.detail, let read = try? NotDownloaded(json: detail) else { return nil }
        self = read
    }
}
