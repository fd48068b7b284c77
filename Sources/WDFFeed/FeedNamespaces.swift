/// The XML namespaces a podcast feed uses, by URI (prefixes vary between feeds).
enum FeedNamespace {
    static let itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    static let podcast = "https://podcastindex.org/namespace/1.0"
    static let podlove = "http://podlove.org/simple-chapters"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let atom = "http://www.w3.org/2005/Atom"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let googlePlay = "http://www.google.com/schemas/play-podcasts/1.0"
    static let media = "http://search.yahoo.com/mrss/"

    /// Namespaces of the RSS elements themselves: none in RSS 2.0, these in RSS 1.0 and 0.9x
    /// variants that declare a default namespace.
    static let core: Set<String> = [
        "", "http://purl.org/rss/1.0/", "http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss",
        "http://my.netscape.com/rdf/simple/0.9/",
    ]

    /// The namespaces of the prefixes that feeds use without declaring them.
    static let conventionalPrefixes: [String: String] = [
        "itunes": itunes, "podcast": podcast, "psc": podlove, "content": content, "dc": dublinCore,
        "atom": atom, "rdf": rdf, "googleplay": googlePlay, "media": media,
    ]

    /// Longer than any URI above or any spelling `canonical` knows (in UTF-8 bytes).
    static let longestURI = 128

    /// `uri` as one of the constants above when it is a known spelling of one (feeds write the
    /// iTunes one as ".../DTDs/Podcast-1.0.dtd", the Podcasting 2.0 one as its GitHub page …).
    static func canonical(_ uri: String) -> String {
        guard !uri.isEmpty, uri.utf8.count <= longestURI else { return uri }
        var key = Substring(uri.lowercased())
        for scheme in ["https://", "http://"] where key.hasPrefix(scheme) { key = key.dropFirst(scheme.count) }
        while key.hasSuffix("/") { key = key.dropLast() }
        switch key {
        case "www.itunes.com/dtds/podcast-1.0.dtd", "itunes.com/dtds/podcast-1.0.dtd": return itunes
        case "podcastindex.org/namespace/1.0", "github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md":
            return podcast
        case "podlove.org/simple-chapters": return podlove
        case "purl.org/rss/1.0/modules/content": return content
        case "purl.org/dc/elements/1.1": return dublinCore
        case "www.w3.org/2005/atom": return atom
        default: return uri
        }
    }
}
