/// What the listener asked for, in their words.
public enum EpisodeQuery: Sendable, Equatable {
    /// Episode N: of `series` when given, else of the current series.
    case number(Int, series: String?)
    /// The episode after the last one played, in its series.
    case next
    /// A series name (its episode to continue) or words of a title.
    case text(String)
}
