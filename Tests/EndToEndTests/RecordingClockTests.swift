import Testing
import WDFTestSupport

/// The recorder's sample clock (no server needed).
@Suite struct RecordingClockTests {
    /// 100-sample chunks at 1 kHz, each arriving just as its last sample was played; sample 0 at 10 s.
    private func steady(_ clock: inout RecordingClock, chunks: ClosedRange<Int>, firstSample: Int, playedAt start: Double) {
        for j in chunks {
            clock.add(chunkEndingAt: firstSample + j * 100, arrivedAt: start + Double(j) * 0.1)
        }
    }

    @Test func samplesLostByTheMonitorDoNotShiftWhatFollows() {
        var clock = RecordingClock(rate: 1000)
        steady(&clock, chunks: 1...10, firstSample: 0, playedAt: 10)
        // 0.3 s played while the monitor delivered nothing (a skipped cycle): sample 1000 is
        // played at 11.3 s. A single anchor from before the gap would put 11.8 s at sample 1800.
        steady(&clock, chunks: 1...10, firstSample: 1000, playedAt: 11.3)
        #expect(clock.sample(at: 10.5) == 500)
        #expect(clock.sample(at: 11.8) == 1500)
        #expect(clock.sample(at: 11.1) == 1000, "in the gap: the first sample after it")
        #expect(clock.sample(at: 12.25) == 1950)
        #expect(abs(clock.coveredUntil - 12.3) < 1e-9)
    }

    @Test func lateChunksDoNotMoveTheClock() {
        var clock = RecordingClock(rate: 1000)
        for j in 1...20 {
            // Every third chunk is read 80 ms late (the reader was not scheduled).
            clock.add(chunkEndingAt: j * 100, arrivedAt: 10 + Double(j) * 0.1 + (j % 3 == 0 ? 0.08 : 0))
        }
        // Then the reader stalls for 0.5 s and reads the backlog at once: chunks 21–25 (played by
        // 12.1–12.5 s) all arrive at 12.6 s. Late, but not a gap.
        for j in 21...25 { clock.add(chunkEndingAt: j * 100, arrivedAt: 12.6) }
        for j in 26...30 { clock.add(chunkEndingAt: j * 100, arrivedAt: 10 + Double(j) * 0.1) }
        #expect(clock.sample(at: 10.25) == 250)
        #expect(clock.sample(at: 11.95) == 1950)
        #expect(clock.sample(at: 12.25) == 2250)
        #expect(clock.sample(at: 12.95) == 2950)
        #expect(clock.sample(at: 9) == 0)
        #expect(clock.sample(at: 14) == 3000)
    }
}
