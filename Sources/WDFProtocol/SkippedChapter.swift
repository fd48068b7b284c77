import WDFCore

/// The last chapter a skip rule skipped in this episode: `{number, title, at}`.
public struct SkippedChapter: Sendable, Equatable {
    public var number: Int
    public var title: String
    public var at: Double

    public init(number: Int, title: String, at: Double) {
        self.number = number
        self.title = title
        self.at = at
    }

    public var json: JSON { ["number": .count(number), "title": .string(title), "at": .number(at)] }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "skipped chapter")
        self.init(number: try f.int("number"), title: try f.string("title"), at: try f.double("at"))
    }
}
