import Glibc
import WDFCore
import WDFPlatform

/// The demo episodes shipped with wdfplay, played when the listener has no library yet.
enum DemoSeries {
    /// The first folder holding them: `$WDFPLAY_DEMO_DIR`; beside an installed binary
    /// (`PREFIX/share/wdfplay/demo`); in the source tree of a binary built there (`Demo/`).
    static func locate(environment: [String: String]) -> String? {
        var candidates: [String] = []
        if let dir = environment["WDFPLAY_DEMO_DIR"], !dir.isEmpty { candidates.append(dir) }
        if let exe = Executable.current.map(FileSystem.directoryName) {
            candidates.append(exe + "/../share/wdfplay/demo")
            // .build/<triple>/<configuration>/wdfplayd → the package root
            candidates.append(exe + "/../../../Demo")
            candidates.append(exe + "/../../Demo")
        }
        // Sources/WDFDaemon/DemoSeries.swift → the package root
        let source = String(#filePath)
        let packageRoot = FileSystem.directoryName(FileSystem.directoryName(FileSystem.directoryName(source)))
        candidates.append(packageRoot + "/Demo")
        return candidates.lazy.compactMap { FileSystem.realPath($0) }.first { FileSystem.isDirectory($0) }
    }
}
