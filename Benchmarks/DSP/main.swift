import Glibc
import WDFCore
import WDFDSP

// Scripts/bench-dsp: CPU time of the DSP stages on 30 minutes of speech-like PCM (44.1 kHz stereo,
// fed in mpg123-sized chunks of 4608 frames), in frames per second of CPU and in % of one core
// while playing in real time at the speed used.

let rate = 44100
let channels = 2
let minutes = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 30 : 30

/// 10 s of speech-like sound: voiced "syllables" (10 harmonics of a gliding 100–220 Hz pitch,
/// 4 per second) with pauses of 0.4–1.2 s at -70 dBFS noise every 2–3 s. Deterministic.
func speechLike() -> [Int16] {
    var seed: UInt64 = 20_261_204
    func random() -> Double {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(seed >> 11) / Double(1 << 53)
    }
    var samples: [Int16] = []
    samples.reserveCapacity(10 * rate * channels)
    var phase = 0.0
    var frame = 0
    var nextPause = Int(2.5 * Double(rate))
    while frame < 10 * rate {
        if frame == nextPause {
            let pause = Int((0.4 + 0.8 * random()) * Double(rate))
            for _ in 0..<min(pause, 10 * rate - frame) {
                let noise = Int16((random() - 0.5) * 2 * 10)
                samples.append(noise); samples.append(noise)
                frame += 1
            }
            nextPause = frame + Int((2 + random()) * Double(rate))
            continue
        }
        let t = Double(frame) / Double(rate)
        let pitch = 160 + 60 * sin(2 * .pi * 0.3 * t)
        phase += 2 * .pi * pitch / Double(rate)
        var value = 0.0
        for k in 1...10 { value += sin(Double(k) * phase) / Double(k) }
        let envelope = 0.5 - 0.5 * cos(2 * .pi * 4 * t)
        let sample = Int16(max(-32767, min(32767, value * envelope * 6000)))
        samples.append(sample); samples.append(sample)
        frame += 1
    }
    return samples
}

/// `value` with two decimals (no Foundation for String(format:)).
func two(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    let hundredths = Int((value * 100).rounded())
    let sign = hundredths < 0 ? "-" : ""
    let magnitude = abs(hundredths)
    let cents = magnitude % 100
    return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
}

func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

let block = speechLike()
let chunkFrames = 4608
let totalFrames = minutes * 60 * rate
let repeats = totalFrames / (block.count / channels)

/// Feeds 30 minutes through `body` chunk by chunk and prints the figures.
func bench(_ name: String, speed: Double, _ body: (UnsafeMutableBufferPointer<Int16>) throws -> Void) rethrows {
    var work = block
    let start = cpuSeconds()
    for _ in 0..<repeats {
        work.replaceSubrange(0..<work.count, with: block)
        try work.withUnsafeMutableBufferPointer { all in
            var at = 0
            while at < all.count {
                let end = min(all.count, at + chunkFrames * channels)
                try body(UnsafeMutableBufferPointer(rebasing: all[at..<end]))
                at = end
            }
        }
    }
    let cpu = cpuSeconds() - start
    let frames = Double(repeats * block.count / channels)
    let playback = frames / Double(rate) / speed
    let perSecond = Int(frames / cpu)
    let realTime = perSecond / rate
    let share = two(100 * cpu / playback)
    print("\(name): \(perSecond) frames/s, \(realTime)× real time, \(share) % of a core while playing at \(speed)× (\(two(cpu)) s CPU for \(minutes) min)")
}

do {
    print("\(minutes) min of speech-like PCM, \(rate) Hz, \(channels) ch, chunks of \(chunkFrames) frames")
    var output: [Int16] = []
    output.reserveCapacity(chunkFrames * channels * 4)

    let copy = try SpeedStretcher(sampleRate: rate, channels: channels)
    try bench("stretcher at 1.0 (bypass)", speed: 1) { chunk in
        output.removeAll(keepingCapacity: true)
        try copy.process(UnsafeBufferPointer(chunk), into: &output)
    }
    let stretcher = try SpeedStretcher(sampleRate: rate, channels: channels)
    try stretcher.setSpeed(1.5)
    try bench("stretcher at 1.5", speed: 1.5) { chunk in
        output.removeAll(keepingCapacity: true)
        try stretcher.process(UnsafeBufferPointer(chunk), into: &output)
    }
    let shortener = try SilenceShortener(sampleRate: rate, channels: channels, mode: .medium)
    try bench("silence shortener (medium)", speed: 1) { chunk in
        output.removeAll(keepingCapacity: true)
        try shortener.process(UnsafeBufferPointer(chunk), into: &output)
    }
    print("  saved \(two(shortener.savedSeconds)) s of \(minutes * 60) s")
    let gain = try GainStage(sampleRate: rate, channels: channels)
    try gain.setLevelling(decibels: 4, rampSeconds: 0)
    bench("gain stage (+4 dB)", speed: 1) { chunk in gain.process(chunk) }
    let meter = try LoudnessMeter(sampleRate: rate, channels: channels)
    try bench("loudness meter (integrated + true peak)", speed: 1) { chunk in try meter.add(UnsafeBufferPointer(chunk)) }
    let loudness = try meter.integratedLoudness() ?? .nan
    let peak = try meter.truePeak() ?? .nan
    print("  measured \(two(loudness)) LUFS, true peak \(two(peak)) dBTP")

    let chainShortener = try SilenceShortener(sampleRate: rate, channels: channels, mode: .medium)
    let chainStretcher = try SpeedStretcher(sampleRate: rate, channels: channels)
    try chainStretcher.setSpeed(1.5)
    let chainGain = try GainStage(sampleRate: rate, channels: channels)
    try chainGain.setLevelling(decibels: 4, rampSeconds: 0)
    var middle: [Int16] = []
    middle.reserveCapacity(chunkFrames * channels * 4)
    try bench("chain: silence (medium) → 1.5× → gain", speed: 1.5) { chunk in
        middle.removeAll(keepingCapacity: true)
        output.removeAll(keepingCapacity: true)
        try chainShortener.process(UnsafeBufferPointer(chunk), into: &middle)
        try middle.withUnsafeBufferPointer { try chainStretcher.process($0, into: &output) }
        output.withUnsafeMutableBufferPointer { chainGain.process($0) }
    }
} catch {
    print("bench-dsp: \(error)")
    exit(1)
}
