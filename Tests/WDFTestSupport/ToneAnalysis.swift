import Foundation

/// What a stretch of recorded samples (mono, floats in -1…1) sounds like.
package enum ToneAnalysis {
    /// Every frequency the fixtures contain: tones.mp3 (400…1400 step 200), long-tones.mp3 and the
    /// library files (500…1100 step 200).
    package static let candidates: [Double] = [400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1400]

    /// Below 1% of full scale (RMS) counts as silence; the fixtures' tones are at 0.5 (RMS 0.35).
    package static let silenceRMS = 0.01
    /// A tone must be at least this loud (RMS) to count as heard.
    package static let toneRMS = 0.05

    package static func rms(_ samples: ArraySlice<Float>) -> Double {
        guard !samples.isEmpty else { return 0 }
        var sum = 0.0
        for s in samples { sum += Double(s) * Double(s) }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// The power of `frequency` in `samples` (Goertzel, at the exact frequency).
    package static func goertzel(_ samples: ArraySlice<Float>, frequency: Double, rate: Double) -> Double {
        let w = 2 * Double.pi * frequency / rate
        let coefficient = 2 * cos(w)
        var s1 = 0.0, s2 = 0.0
        for x in samples {
            let s0 = Double(x) + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2
    }

    package struct Reading: CustomStringConvertible, Sendable {
        /// The strongest candidate frequency.
        package var frequency: Double
        /// The share (0…1) of the window's energy that is that sine.
        package var purity: Double
        package var rms: Double

        package var isSilent: Bool { rms < ToneAnalysis.silenceRMS }
        /// A clear, loud, pure tone of `f`.
        package func isTone(_ f: Double) -> Bool { frequency == f && rms >= ToneAnalysis.toneRMS && purity >= 0.6 }
        /// Loud and pure, whatever the frequency.
        package var isAnyTone: Bool { rms >= ToneAnalysis.toneRMS && purity >= 0.6 }

        package var description: String {
            if isSilent { return String(format: "silence(%.4f)", rms) }
            if purity < 0.6 { return String(format: "noise(rms %.3f, best %.0f Hz %.0f%%)", rms, frequency, purity * 100) }
            return String(format: "%.0fHz(rms %.3f, %.0f%%)", frequency, rms, purity * 100)
        }
    }

    /// The dominant candidate of a window, with how much of the energy it explains.
    package static func analyse(_ samples: ArraySlice<Float>, rate: Double, candidates: [Double] = candidates) -> Reading {
        let level = rms(samples)
        guard samples.count > 16, level > 0 else { return Reading(frequency: 0, purity: 0, rms: level) }
        var best = (f: 0.0, power: -1.0)
        for f in candidates {
            let p = goertzel(samples, frequency: f, rate: rate)
            if p > best.power { best = (f, p) }
        }
        // A sine of amplitude A over N samples gives power (A·N/2)²; its mean square is A²/2.
        let n = Double(samples.count)
        let amplitude = 2 * best.power.squareRoot() / n
        let purity = min(1, (amplitude * amplitude / 2) / (level * level))
        return Reading(frequency: best.f, purity: purity, rms: level)
    }
}
