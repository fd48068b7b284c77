/// When each sample of a recording was played, on the monotonic clock, from the times at which
/// the recorder's chunks arrived.
///
/// A chunk cannot arrive before its last sample was played, so chunk j (arrived at `a_j`, ending
/// at sample count `S_j`) says sample k ≤ S_j was played at or before `a_j − (S_j − k) / rate`,
/// provided no sample went missing between k and S_j. Sample k's time is the tightest of these
/// bounds over the chunks from its own onwards: `k / rate + min_{j ≥ c(k)} (a_j − S_j / rate)`.
/// Taking the bound from later chunks only matters when the monitor loses samples: PipeWire's
/// pipewire-pulse skips a record stream's cycle when it is late on a loaded machine, and an anchor
/// taken from before such a gap (as a single minimum over the whole recording would be) puts
/// everything after it too early by the samples lost. Without gaps it is that minimum.
struct RecordingClock {
    let rate: Double
    /// Samples received up to the end of each chunk.
    private var chunkEnds: [Int] = []
    /// For each chunk, the smallest `arrival − chunkEnd / rate` of it and every later chunk
    /// (non-decreasing along the recording).
    private var offsets: [Double] = []

    init(rate: Double) { self.rate = rate }

    var sampleCount: Int { chunkEnds.last ?? 0 }

    /// A chunk arrived at `time`, bringing the count of samples received to `count`.
    mutating func add(chunkEndingAt count: Int, arrivedAt time: Double) {
        guard count > sampleCount else { return }
        let offset = time - Double(count) / rate
        var i = offsets.count - 1
        while i >= 0, offsets[i] > offset {
            offsets[i] = offset
            i -= 1
        }
        chunkEnds.append(count)
        offsets.append(offset)
    }

    /// Time up to which everything has been recorded (−∞ before the first chunk).
    var coveredUntil: Double {
        guard let last = offsets.last else { return -Double.infinity }
        return last + Double(sampleCount) / rate
    }

    /// The first sample played at or after `time`, in 0...sampleCount.
    func sample(at time: Double) -> Int {
        // The first chunk whose last sample is played at or after `time` (chunk times increase).
        var low = 0
        var high = chunkEnds.count
        while low < high {
            let mid = (low + high) / 2
            if offsets[mid] + Double(chunkEnds[mid]) / rate < time { low = mid + 1 } else { high = mid }
        }
        guard low < chunkEnds.count else { return sampleCount }
        let start = low == 0 ? 0 : chunkEnds[low - 1]
        let k = ((time - offsets[low]) * rate).rounded()
        guard k.isFinite else { return start }
        return max(start, min(chunkEnds[low], Int(k)))
    }
}
