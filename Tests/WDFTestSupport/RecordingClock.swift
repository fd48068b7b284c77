/// When each sample of a recording was played, on the monotonic clock, from the times at which
/// the recorder's chunks arrived.
///
/// A chunk cannot arrive before its last sample was played, so with a continuous recording sample
/// k was played at `k / rate + anchor`, the anchor being the smallest `arrival − samples so far /
/// rate` seen (chunks arrive late, never early). But the monitor can lose samples: PipeWire's
/// pipewire-pulse skips a record stream's cycle when it is late on a loaded machine. After such a
/// gap every chunk arrives "late" against the old anchor by the time lost, for good, and the old
/// anchor would put everything after the gap too early. So when every chunk arriving over
/// `confirm` seconds is more than `tolerance` late, the recording is taken to have a gap where
/// that run began, and a new anchor starts there. A chunk read late because the reader was not
/// scheduled is followed by the rest of the backlog, read at once, whose last chunk is on time
/// again: no gap. PulseAudio's null sink never loses samples, and there this is the single anchor.
package struct RecordingClock {
    package let rate: Double
    package let tolerance: Double
    package let confirm: Double
    /// The anchors: from sample `start` on (ascending), sample k was played at k / rate + offset.
    private var segments: [(start: Int, offset: Double)] = []
    /// A run of late chunks not yet confirmed as a gap: where it began, its smallest offset, when
    /// its first chunk arrived.
    private var lateRun: (start: Int, offset: Double, arrived: Double)?
    package private(set) var sampleCount = 0

    package init(rate: Double, tolerance: Double = 0.015, confirm: Double = 0.25) {
        self.rate = rate
        self.tolerance = tolerance
        self.confirm = confirm
    }

    /// A chunk arrived at `time`, bringing the count of samples received to `count`.
    package mutating func add(chunkEndingAt count: Int, arrivedAt time: Double) {
        guard count > sampleCount else { return }
        let offset = time - Double(count) / rate
        let previous = sampleCount
        sampleCount = count
        guard let current = segments.last else {
            segments.append((0, offset))
            return
        }
        if offset <= current.offset + tolerance {
            segments[segments.count - 1].offset = min(current.offset, offset)
            lateRun = nil
            return
        }
        var run = lateRun ?? (previous, offset, time)
        run.offset = min(run.offset, offset)
        if time - run.arrived >= confirm {
            segments.append((run.start, run.offset))
            lateRun = nil
        } else {
            lateRun = run
        }
    }

    /// Time up to which everything has been recorded (−∞ before the first chunk).
    package var coveredUntil: Double {
        guard let last = segments.last else { return -Double.infinity }
        return last.offset + Double(sampleCount) / rate
    }

    /// The first sample played at or after `time`, in 0...sampleCount.
    package func sample(at time: Double) -> Int {
        guard !segments.isEmpty else { return 0 }
        // The last segment that starts at or before `time` (segment start times increase).
        var index = 0
        for (i, segment) in segments.enumerated().reversed()
        where Double(segment.start) / rate + segment.offset <= time {
            index = i
            break
        }
        let segment = segments[index]
        let end = index + 1 < segments.count ? segments[index + 1].start : sampleCount
        let k = ((time - segment.offset) * rate).rounded()
        guard k.isFinite else { return segment.start }
        return max(segment.start, min(end, Int(k)))
    }
}
