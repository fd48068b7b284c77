/// The episode as MPRIS `Metadata` shows it. Every text here is a stranger's (tags, the feed):
/// the service bounds it and makes it harmless before it goes on the bus (`MPRISText`).
public struct MPRISTrack: Equatable, Sendable {
    /// What identifies the episode for as long as it is the same one (its path is a good key):
    /// `mpris:trackid` is derived from it, so it stays the same across pauses, seeks and chapters,
    /// and a `SetPosition` naming another track is ignored.
    public var key: String
    /// `xesam:title`: the episode's title, with the chapter where the player wants widgets to show it.
    public var title: String
    /// `xesam:album`: the podcast (series).
    public var album: String?
    /// `xesam:artist`.
    public var artists: [String]
    /// `xesam:trackNumber`: the episode's number in its series.
    public var number: Int?
    /// The absolute path of the audio file (`xesam:url`, as a `file://` URI).
    public var path: String
    /// The length in seconds (`mpris:length`); nil when unknown.
    public var duration: Double?
    /// A picture on disk (`mpris:artUrl` as a `file://` URI); preferred over `artURL`.
    public var artPath: String?
    /// A picture on the web (`http`/`https`), used when there is no `artPath`.
    public var artURL: String?

    public init(key: String, title: String, album: String? = nil, artists: [String] = [], number: Int? = nil,
                path: String, duration: Double? = nil, artPath: String? = nil, artURL: String? = nil) {
        self.key = key
        self.title = title
        self.album = album
        self.artists = artists
        self.number = number
        self.path = path
        self.duration = duration
        self.artPath = artPath
        self.artURL = artURL
    }
}
