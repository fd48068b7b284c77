import Testing
import WDFClient
import WDFProtocol

/// `wdfctl info`'s loudness line.
@Suite("Loudness line")
struct LoudnessLineTests {
    @Test func measuredLevelledAndSilent() {
        #expect(CatalogView.loudnessLine(LoudnessInfo(lufs: -26.85, truePeak: -26.43, gain: 10.85, levelling: true))
                == "Loudness −26.9 LUFS (true peak −26.4 dBTP), levelled +10.9 dB")
        #expect(CatalogView.loudnessLine(LoudnessInfo(lufs: -6.7, truePeak: -6, gain: -9.3, levelling: true))
                == "Loudness −6.7 LUFS (true peak −6.0 dBTP), levelled −9.3 dB")
        #expect(CatalogView.loudnessLine(LoudnessInfo(lufs: -16, truePeak: nil, gain: 0, levelling: false))
                == "Loudness −16.0 LUFS, not levelled (normalize = false)")
        #expect(CatalogView.loudnessLine(LoudnessInfo(lufs: nil, truePeak: nil, gain: 0, levelling: true)) == "Loudness: silent (no gain)")
        // Numbers from a stranger's daemon stay numbers of a sane size.
        #expect(CatalogView.loudnessLine(LoudnessInfo(lufs: -1e300, truePeak: nil, gain: 1e300, levelling: true))
                == "Loudness −999.0 LUFS, levelled +999.0 dB")
    }
}
