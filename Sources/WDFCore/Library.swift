/// The episodes in a folder, and how a number like `6` picks one of them.
public struct Library: Sendable {
    public var root: String
    public var episodes: [Episode]
    /// One sentence per file that could not be read (the rest of the library still works).
    public var problems: [String]

    public init(root: String, episodes: [Episode], problems: [String] = []) {
        self.root = root
        self.episodes = episodes
        self.problems = problems
    }

    /// Reads the tag of every MP3 under `root`, recursively. No audio is decoded.
    public static func scan(root: String) -> Library {
        var episodes: [Episode] = []
        var problems: [String] = []
        for path in FileSystem.files(under: root, extensions: ["mp3"]) {
            do {
                episodes.append(try Episode.read(path: path))
            } catch {
                problems.append("\(error)")
            }
        }
        return Library(root: root, episodes: episodes, problems: problems)
    }

    public enum Resolution: Sendable, Equatable {
        case found(Episode)
        case notFound
        case ambiguous([Episode])
    }

    /// Episode `number`: first by a title like "Series #N: …", then by track number, then by a
    /// number in the file name. Within `series` when given and present (case-insensitive).
    /// Two files claiming the number at the same level are ambiguous.
    public func resolve(number: Int, series: String? = nil) -> Resolution {
        for source in [Episode.NumberSource.title, .track, .fileName] {
            var matches = episodes.filter { $0.number == number && $0.numberSource == source }
            if let series, !series.isEmpty, matches.count > 1 || source == .title {
                let inSeries = matches.filter { $0.series?.lowercased() == series.lowercased() }
                if !inSeries.isEmpty { matches = inSeries }
            }
            if matches.count == 1 { return .found(matches[0]) }
            if matches.count > 1 { return .ambiguous(matches) }
        }
        return .notFound
    }

    public func episode(atPath path: String) -> Episode? {
        episodes.first { $0.path == path }
    }
}
