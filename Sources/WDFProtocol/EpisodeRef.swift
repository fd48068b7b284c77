import WDFCore

/// The episode in the status and in the `end` event: `{number, title, series, path, demo}`.
public struct EpisodeRef: Sendable, Equatable {
    public var number: Int?
    public var title: String
    public var series: String?
    public var path: String
    /// True for the bundled demo series.
    public var demo: Bool

    public init(number: Int?, title: String, series: String?, path: String, demo: Bool) {
        self.number = number
        self.title = title
        self.series = series
        self.path = path
        self.demo = demo
    }

    public var json: JSON {
        ["number": JSON(number), "title": .string(title), "series": JSON(series), "path": .string(path), "demo": .bool(demo)]
    }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "episode")
        self.init(number: try f.optionalInt("number"), title: try f.string("title"), series: try f.optionalString("series"),
                  path: try f.string("path"), demo: try f.optionalBool("demo") ?? false)
    }
}
