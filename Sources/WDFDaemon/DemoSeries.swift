import Glibc
import WDFCore

/// The demo episodes shipped with wdfplay, played when the listener has no library yet.
enum DemoSeries {
    /// The first folder holding them: `$WDFPLAY_DEMO_DIR`; beside an installed binary
    /// (`PREFIX/share/wdfplay/demo`); in the source tree of a binary built there (`Demo/`).
    static func locate(environment: [String: String]) -> String? {
        var candidates: [String] = []
        if let dir = environment["WDFPLAY_DEMO_DIR"], !dir.isEmpty { candidates.append(dir) }
        if let exe = executableDirectory() {
            candidates.append(exe + "/../share/wdfplay/demo")
            // .build/<triple>/<configuration>/wdfplayd → the package root
            candidates.append(exe + "/../../../Demo")
            candidates.append(exe + "/../../Demo")
        }
        let source = String(#filePath)
        if let range = source.range(of: "/Sources/WDFDaemon/") {
            candidates.append(String(source[..<range.lowerBound]) + "/Demo")
        }
        return candidates.lazy.compactMap { FileSystem.realPath($0) }.first { FileSystem.isDirectory($0) }
    }

    private static func executableDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let path = buffer[0..<n].withUnsafeBufferPointer { String(decoding: UnsafeRawBufferPointer($0), as: UTF8.self) }
        return FileSystem.directoryName(path)
    }
}
