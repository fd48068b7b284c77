import Glibc
import WDFDSP

/// Known signals for the DSP tests: the sox-made fixtures (Scripts/make-dsp-fixtures) and a few
/// made here, plus what the tests measure on them.
struct Signal {
    var rate: Int
    var channels: Int
    var samples: [Int16]

    var frames: Int { samples.count / channels }
    var seconds: Double { Double(frames) / Double(rate) }

    static let fixtures = "/" + String(#filePath).split(separator: "/").dropLast(2).joined(separator: "/") + "/Fixtures/dsp/"

    /// Reads a 16-bit PCM WAV fixture (the "fmt " and "data" chunks).
    static func fixture(_ name: String) throws -> Signal {
        guard let file = fopen(fixtures + name, "rb") else { throw FixtureError(name: name) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        var at = 12
        var rate = 0
        var channels = 0
        while at + 8 <= bytes.count {
            let id = String(decoding: bytes[at..<(at + 4)], as: UTF8.self)
            let size = u32(at + 4)
            if id == "fmt " {
                channels = u16(at + 10)
                rate = u32(at + 12)
                guard u16(at + 22) == 16 else { throw FixtureError(name: name) }
            } else if id == "data" {
                let count = min(size, bytes.count - at - 8) / 2
                let samples = (0..<count).map { Int16(bitPattern: UInt16(u16(at + 8 + 2 * $0))) }
                return Signal(rate: rate, channels: channels, samples: samples)
            }
            at += 8 + size + (size & 1)
        }
        throw FixtureError(name: name)
    }

    struct FixtureError: Error { var name: String }

    /// A mono sine of `amplitude` (of full scale) made here.
    static func sine(_ hz: Double, seconds: Double, amplitude: Double, rate: Int = 44100, phase: Double = 0) -> [Int16] {
        (0..<Int(seconds * Double(rate))).map {
            Int16((amplitude * 32767 * sin(2 * Double.pi * hz * Double($0) / Double(rate) + phase)).rounded())
        }
    }

    /// The same audio on `count` channels.
    func spread(to count: Int) -> Signal {
        Signal(rate: rate, channels: count, samples: samples.flatMap { repeatElement($0, count: count) })
    }

    /// Every sample times `factor`.
    func scaled(_ factor: Double) -> Signal {
        Signal(rate: rate, channels: channels, samples: samples.map { Int16((Double($0) * factor).rounded()) })
    }
}

/// Dominant frequency of mono samples, by counting zero crossings.
func frequency(_ samples: ArraySlice<Int16>, rate: Int) -> Double {
    var crossings = 0
    var previous = samples.first ?? 0
    for sample in samples.dropFirst() {
        if (previous < 0) != (sample < 0) { crossings += 1 }
        previous = sample
    }
    return Double(crossings) / 2 / (Double(samples.count) / Double(rate))
}

/// Channel 0 of interleaved samples.
func firstChannel(_ samples: [Int16], channels: Int) -> [Int16] {
    stride(from: 0, to: samples.count, by: channels).map { samples[$0] }
}

/// Feeds `samples` to a stage in chunks of `chunk` frames.
func inChunks(_ samples: [Int16], channels: Int, chunk: Int, _ body: (UnsafeBufferPointer<Int16>) throws -> Void) rethrows {
    try samples.withUnsafeBufferPointer { all in
        var start = 0
        while start < all.count {
            let end = min(all.count, start + chunk * channels)
            try body(UnsafeBufferPointer(rebasing: all[start..<end]))
            start = end
        }
    }
}
