import Foundation
import Testing
import WDFTestSupport

/// End-to-end tests: the real wdfplayd, wdfplay and wdfctl against a real PulseAudio server (and,
/// for the tests with `arguments: SoundServer.Kind.allCases`, PipeWire's pipewire-pulse too),
/// checked on what the null sink actually played. They share the sink, so they run one at a time;
/// the tests are in extensions of this suite, one file per area.
@Suite(.serialized) struct EndToEnd {
    static let tones = Binaries.fixture("tones.mp3")
    static let longTones = Binaries.fixture("long-tones.mp3")
    static let library = Binaries.fixtures.appendingPathComponent("library").path

    /// The config every test that needs one starts from (checkpoint every second).
    static let baseConfig = "checkpoint_interval = 1\n"

    /// Expects `f` to sound, clear and unbroken, in every 50 ms window from `t1` to `t2`.
    static func expectTone(_ h: DaemonHarness, _ f: Double, from t1: Double, to t2: Double, _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let steady = try await h.recorder.everyWindow(from: t1, to: t2) { $0.isTone(f) }
        if !steady {
            Issue.record("\(what): expected \(Int(f)) Hz throughout; heard \(h.recorder.timeline(from: t1 - 0.2, to: t2 + 0.1, relativeTo: t1))",
                         sourceLocation: sourceLocation)
        }
    }

    /// Expects silence (RMS under 1% of full scale) in every 50 ms window from `t1` to `t2`.
    static func expectSilence(_ h: DaemonHarness, from t1: Double, to t2: Double, _ what: String,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let silent = try await h.recorder.everyWindow(from: t1, to: t2) { $0.isSilent }
        if !silent {
            Issue.record("\(what): expected silence; heard \(h.recorder.timeline(from: t1 - 0.2, to: t2 + 0.1, relativeTo: t1))",
                         sourceLocation: sourceLocation)
        }
    }

    /// `a` is within `tolerance` of `b` (false when `a` is nil).
    static func near(_ a: Double?, _ b: Double, _ tolerance: Double) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }
}
