/// The episode's own speech level: the 90th percentile of the 10 ms block levels over the last
/// 30 s, so that silence is judged against how loud this speaker is, not against a fixed level
/// (Pocket Casts #89 cuts quiet speakers with an absolute one). A histogram of 1 dB bins and a ring
/// of the blocks in the window: constant memory and constant work per block.
struct SpeechLevel {
    /// Levels are kept between this and 0 dBFS.
    static let floor = -120
    private var histogram = [Int32](repeating: 0, count: 121)
    private var ring: [Int8]
    private var next = 0
    private var filled = 0

    init(windowBlocks: Int) {
        ring = [Int8](repeating: 0, count: max(1, windowBlocks))
    }

    /// Adds the level (dBFS) of one block.
    mutating func add(_ decibels: Double) {
        let bin = Int8(clamping: Int(min(0, max(Double(Self.floor), decibels)).rounded()))
        if filled == ring.count {
            histogram[Int(-ring[next])] -= 1
        } else {
            filled += 1
        }
        ring[next] = bin
        histogram[Int(-bin)] += 1
        next = (next + 1) % ring.count
    }

    /// The 90th percentile in dBFS, nil before any block.
    var level: Double? {
        guard filled > 0 else { return nil }
        // 10 % of the blocks are louder than the level: walk down from 0 dBFS.
        var above = 0
        let wanted = max(1, filled / 10)
        for bin in 0..<histogram.count {
            above += Int(histogram[bin])
            if above >= wanted { return Double(-bin) }
        }
        return Double(Self.floor)
    }

    mutating func forget() {
        histogram = [Int32](repeating: 0, count: histogram.count)
        next = 0
        filled = 0
    }
}
