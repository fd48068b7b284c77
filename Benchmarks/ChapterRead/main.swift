import Glibc
import WDFCore
import WDFLibrary

// bench-chapters FILE [RUNS]: how long reading an episode's tag and merging its chapters takes
// (what the daemon does on `play`), cold-ish and warm; prints the median and the spread.
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: bench-chapters FILE [RUNS]")
    exit(64)
}
let path = arguments[1]
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

var times: [Double] = []
var chapters = 0
var tagBytes = 0
for _ in 0..<runs {
    let start = now()
    let tag: ID3Tag?
    do { tag = try ID3Tag.read(path: path) } catch { print("\(error)"); exit(1) }
    let merged = ChapterSources.merged(forAudioAt: path, tag: tag, duration: nil, bookmarks: [])
    times.append((now() - start) * 1000)
    chapters = merged.chapters.count
    tagBytes = tag?.size ?? 0
}
times.sort()
func fmt(_ x: Double) -> String { String(Int((x * 1000).rounded())) + " µs" }
print("\(path): tag \(tagBytes) bytes, \(chapters) chapters, \(runs) runs: median \(fmt(times[runs / 2])), min \(fmt(times[0])), p90 \(fmt(times[runs * 9 / 10])), max \(fmt(times[runs - 1]))")
