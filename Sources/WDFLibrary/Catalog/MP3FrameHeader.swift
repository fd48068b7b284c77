import WDFCore

/// MPEG audio frame headers and the Xing/Info/VBRI header a first frame may carry: what
/// `MP3DurationReader` reads a length from.
extension MP3DurationReader {
    /// The fields of a 4-byte MPEG audio frame header.
    struct FrameHeader: Equatable {
        /// 1, 2, or 25 (MPEG 2.5).
        var version: Int
        var layer: Int
        var bitrate: Int
        var sampleRate: Int
        var padding: Bool
        var channels: Int
        var hasCRC: Bool

        /// kbps for bit rate indexes 1...14: MPEG-1 Layer I, II, III; MPEG-2/2.5 Layer I, II/III.
        static let bitrates: [[Int]] = [
            [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
            [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
            [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
            [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
            [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
        ]

        init?(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) {
            guard b0 == 0xFF, b1 & 0xE0 == 0xE0 else { return nil }
            let versionBits = Int(b1 >> 3) & 3
            let layerBits = Int(b1 >> 1) & 3
            let bitrateIndex = Int(b2 >> 4)
            let rateIndex = Int(b2 >> 2) & 3
            guard versionBits != 1, layerBits != 0, bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3,
                  b3 & 3 != 2 else { return nil }  // reserved emphasis
            version = versionBits == 3 ? 1 : (versionBits == 2 ? 2 : 25)
            layer = 4 - layerBits
            let table = switch (version, layer) {
            case (1, 1): Self.bitrates[0]
            case (1, 2): Self.bitrates[1]
            case (1, _): Self.bitrates[2]
            case (_, 1): Self.bitrates[3]
            default: Self.bitrates[4]
            }
            bitrate = table[bitrateIndex - 1]
            sampleRate = [44100, 48000, 32000][rateIndex] / (version == 1 ? 1 : (version == 2 ? 2 : 4))
            padding = b2 & 2 != 0
            channels = b3 >> 6 == 3 ? 1 : 2
            hasCRC = b1 & 1 == 0
        }

        var samplesPerFrame: Int {
            switch layer {
            case 1: 384
            case 2: 1152
            default: version == 1 ? 1152 : 576
            }
        }

        /// Bytes in the frame, header included.
        var length: Int { length(bitrate: bitrate, padding: padding) }

        /// The shortest frame of this version, layer and sample rate (lowest bit rate).
        var minimumFrameLength: Int {
            let lowest = version == 1 ? 32 : (layer == 1 ? 32 : 8)
            return max(1, length(bitrate: lowest, padding: false))
        }

        private func length(bitrate: Int, padding: Bool) -> Int {
            if layer == 1 { return (12 * bitrate * 1000 / sampleRate + (padding ? 1 : 0)) * 4 }
            return samplesPerFrame / 8 * bitrate * 1000 / sampleRate + (padding ? 1 : 0)
        }

        /// Same stream: version, layer and sample rate agree.
        func matches(_ other: FrameHeader) -> Bool {
            version == other.version && layer == other.layer && sampleRate == other.sampleRate
        }
    }

    // MARK: Xing / VBRI

    struct VBRHeader {
        var source: MP3Duration.Source
        var frames: Int
        var bytes: Int?
        var delay: Int?
        var padding: Int?
    }

    /// A Xing/Info (with an optional LAME tag) or VBRI header in the frame at `position`.
    static func vbrHeader(in window: Window, at position: Int, _ frame: FrameHeader) -> VBRHeader? {
        let frameEnd = position + frame.length
        let sideInfo = frame.version == 1 ? (frame.channels == 1 ? 17 : 32) : (frame.channels == 1 ? 9 : 17)
        var candidates = [position + 4 + sideInfo]
        if frame.hasCRC { candidates.append(position + 6 + sideInfo) }
        for offset in candidates where offset + 8 <= frameEnd {
            let source: MP3Duration.Source
            if window.matches(offset, "Xing") {
                source = .xing
            } else if window.matches(offset, "Info") {
                source = .info
            } else {
                continue
            }
            guard let flags = window.bigEndian(offset + 4, 4) else { return nil }
            var cursor = offset + 8
            var frames = 0
            var bytes: Int?
            if flags & 1 != 0 {
                guard cursor + 4 <= frameEnd, let value = window.bigEndian(cursor, 4) else { return nil }
                frames = value
                cursor += 4
            }
            if flags & 2 != 0 {
                guard cursor + 4 <= frameEnd, let value = window.bigEndian(cursor, 4) else { return nil }
                bytes = value
                cursor += 4
            }
            if flags & 4 != 0 { cursor += 100 }
            if flags & 8 != 0 { cursor += 4 }
            var header = VBRHeader(source: source, frames: frames, bytes: bytes)
            // The LAME tag: 9 bytes of encoder name, ..., delay and padding (12 bits each) at 21.
            // Like libmpg123, any non-zero first byte means the tag is there.
            if cursor + 24 <= frameEnd, let firstByte = window.byte(cursor), firstByte != 0,
               let packed = window.bigEndian(cursor + 21, 3) {
                header.delay = packed >> 12
                header.padding = packed & 0xFFF
            }
            return header
        }
        // VBRI: always 32 bytes after the 4-byte header.
        let vbri = position + 4 + 32
        if vbri + 18 <= frameEnd, window.matches(vbri, "VBRI"),
           let bytes = window.bigEndian(vbri + 10, 4), let frames = window.bigEndian(vbri + 14, 4) {
            return VBRHeader(source: .vbri, frames: frames, bytes: bytes)
        }
        return nil
    }
}
