import WDFCore
import WDFProtocol

/// How speed and skip silence read on a terminal: the reply to `wdfctl speed` and `silence`, the
/// line of `wdfctl status` when the listening is not plain, and `wdfctl stats`.
public enum ListeningView {
    /// "1.5×" ("1×", "1.25×", "0.75×").
    public static func speed(_ speed: Double) -> String {
        guard speed.isFinite, let hundredths = Int(exactly: (min(max(speed, 0), 100) * 100).rounded()) else { return "?×" }
        var text = "\(hundredths / 100)"
        let fraction = hundredths % 100
        if fraction != 0 { text += fraction % 10 == 0 ? ".\(fraction / 10)" : (fraction < 10 ? ".0\(fraction)" : ".\(fraction)") }
        return text + "×"
    }

    /// "speed 1.5×, skip silence medium · 12:34 left at this speed · 1:02 saved (3:04:05 in all)".
    public static func line(_ state: ListeningState) -> String {
        var parts = ["speed \(speed(state.speed)), skip silence \(state.silence.rawValue)"]
        if let remaining = state.remaining { parts.append("\(TimeFormat.clock(remaining)) left at this speed") }
        if state.timeSaved > 0 || state.timeSavedTotal > 0 {
            parts.append("\(TimeFormat.clock(state.timeSaved)) saved by skipping silence (\(TimeFormat.clock(state.timeSavedTotal)) in all)")
        }
        return parts.joined(separator: " · ")
    }

    /// `wdfctl stats`: the time skip silence saved, in the episode and in all.
    public static func stats(_ state: ListeningState) -> String {
        """
        Speed:                  \(speed(state.speed))
        Skip silence:           \(state.silence.rawValue)
        Saved in this episode:  \(TimeFormat.clock(state.timeSaved))
        Saved in all:           \(TimeFormat.clock(state.timeSavedTotal))
        """
    }
}
