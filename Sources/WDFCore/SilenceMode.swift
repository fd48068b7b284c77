/// How hard silences are shortened (`wdfctl silence off|mild|medium|strong`, config `skip_silence`).
///
/// A silence is shortened only when it lasts at least `minimumSilence`; what is kept of it is
/// `kept` seconds, half after the sound that ends it and half before the sound that follows, with
/// a fade at the join. Shorter pauses (breaths, the rhythm of a sentence) are left alone.
public enum SilenceMode: String, Sendable, CaseIterable {
    case off, mild, medium, strong

    /// Seconds a silence must last before it is shortened.
    public var minimumSilence: Double {
        switch self {
        case .off: .infinity
        case .mild: 1.0
        case .medium: 0.6
        case .strong: 0.35
        }
    }

    /// Seconds kept of a shortened silence (padding on both sides of the join).
    public var kept: Double {
        switch self {
        case .off: .infinity
        case .mild: 0.5
        case .medium: 0.3
        case .strong: 0.2
        }
    }
}
