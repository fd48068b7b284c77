// swift-tools-version:6.0
import PackageDescription
#if canImport(Glibc)
import Glibc
#endif

// wdfplayd stays resident while it plays, so its release build is linked for memory (Docs/PERFORMANCE.md,
// row 2; about 1.3 MiB less RSS): the toolchain's lld packs the binary's 20,000 relative relocations
// (DT_RELR: 3.6 kB instead of 460 kB, every page of which the dynamic loader reads at start-up and
// keeps mapped; gold cannot), and libstdc++, which only the static Swift runtime uses, is linked in
// statically: Linker/libstdc++.so is a linker script that `-lstdc++` finds first and that names
// libstdc++.a, so that the 2 MB libstdc++.so.6 is not loaded. DT_RELR needs glibc 2.36 (Debian 12)
// where the daemon runs; it is built where it runs, so an older glibc here leaves it out.
let packageRoot = String(#filePath.dropLast("/Package.swift".count))
let glibcHasRelr: Bool = {
    #if canImport(Glibc)
    var text = [CChar](repeating: 0, count: 64)      // "glibc 2.36"
    guard confstr(Int32(_CS_GNU_LIBC_VERSION), &text, text.count) > 0 else { return false }
    let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    let version = String(decoding: bytes, as: UTF8.self).split(separator: " ").last ?? ""
    let parts = version.split(separator: ".").compactMap { Int($0) }
    return parts.count >= 2 && (parts[0], parts[1]) >= (2, 36)
    #else
    return false
    #endif
}()
let daemonLinkFlags = ["-use-ld=lld", "-L", packageRoot + "/Linker"]
    + (glibcHasRelr ? ["-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"] : [])

let package = Package(
    name: "wdfplay",
    products: [
        .executable(name: "wdfplayd", targets: ["wdfplayd"]),
        .executable(name: "wdfplay", targets: ["wdfplay"]),
        .executable(name: "wdfctl", targets: ["wdfctl"]),
        .executable(name: "wdfplay-config", targets: ["wdfplay-config"]),
        .executable(name: "wdfplay-feed", targets: ["wdfplay-feed"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CMPG123", pkgConfig: "libmpg123",
            providers: [.apt(["libmpg123-dev"])]),
        .systemLibrary(
            name: "CPulse", pkgConfig: "libpulse",
            providers: [.apt(["libpulse-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(
            name: "CSystemd", pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // libsonic-dev has no pkg-config file: the module map links "sonic" itself.
        .systemLibrary(name: "CSonic", providers: [.apt(["libsonic-dev"])]),
        .systemLibrary(
            name: "CEBUR128", pkgConfig: "libebur128",
            providers: [.apt(["libebur128-dev"])]),
        // Pure Swift that every program needs: JSON, time formats, terminal text, wire errors,
        // the config model, XDG paths.
        .target(name: "WDFCore"),
        // The OS edge: the system-call funnel, spawning, socket addresses, files and locks, the
        // monotonic clock, the log and terminal output, signals, inotify, sd_notify and socket activation.
        .target(name: "WDFPlatform", dependencies: ["WDFCore", "CLinux"]),
        // Durable state files (read with care, replaced atomically) and the feed store that
        // `wdfplay-feed` writes: read by the daemon, and by wdfplay after a download.
        .target(name: "WDFStore", dependencies: ["WDFCore", "WDFPlatform"]),
        // The listener's library: tags (ID3), MP3 length, chapters and their sources, show notes,
        // catalog, resume and bookmark stores. The daemon and wdfplay-feed link it, the CLIs do not.
        .target(name: "WDFLibrary", dependencies: ["WDFCore", "WDFPlatform", "WDFStore"]),
        .target(name: "WDFConfig", dependencies: ["WDFCore", "WDFPlatform", "TOMLKit"]),
        .target(name: "WDFAudio", dependencies: ["WDFCore", "WDFPlatform", "WDFDSP", "CMPG123", "CPulse", "CLinux"]),
        // The DSP stage of the playback path (speed, silence shortening, loudness and gain): pure
        // sample processing, no sound server; the only home of the libsonic and libebur128 handles.
        .target(name: "WDFDSP", dependencies: ["WDFCore", "CSonic", "CEBUR128"]),
        // The podcast feed: RSS parsing (pure Swift, no XML library) and HTTP through libcurl.
        // Only wdfplay-feed links them; the daemon reads the feed store that it writes.
        .target(name: "WDFFeed", dependencies: ["WDFCore", "WDFStore", "WDFLibrary"]),
        .target(name: "WDFNet", dependencies: ["WDFCore", "WDFPlatform", "CCurl"]),
        // The control protocol's typed messages (commands, status, events, errors), each with one
        // writer and one reader, and the command catalogue; JSON from WDFCore, nothing else.
        .target(name: "WDFProtocol", dependencies: ["WDFCore"]),
        .target(name: "WDFDaemon", dependencies: ["WDFCore", "WDFPlatform", "WDFStore", "WDFLibrary", "WDFAudio", "WDFDSP", "WDFProtocol", "WDFMPRIS", "CLinux"]),
        // MPRIS on the session bus (sd-bus): served from the daemon's poll loop, no thread.
        .target(name: "WDFMPRIS", dependencies: ["WDFCore", "WDFPlatform", "CSystemd"]),
        .target(name: "WDFClient", dependencies: [
            "WDFCore", "WDFPlatform", "WDFStore", "WDFProtocol", "CLinux", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The daemon parses its four flags itself: ArgumentParser and TOMLKit would bring
        // Foundation into a process that stays resident (see DaemonArguments).
        .executableTarget(
            name: "wdfplayd", dependencies: ["WDFDaemon", "WDFPlatform"],
            linkerSettings: [.unsafeFlags(daemonLinkFlags, .when(configuration: .release))]),
        .executableTarget(name: "wdfplay", dependencies: [
            "WDFClient", "WDFPlatform", "WDFProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "wdfctl", dependencies: [
            "WDFClient", "WDFPlatform", "WDFProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Checks and prints config.toml; the only program that links TOMLKit (and so Foundation).
        .executableTarget(name: "wdfplay-config", dependencies: [
            "WDFConfig", "WDFPlatform", "WDFClient", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Feed sync and downloads: run by `wdfctl sync|download` and by `wdfplay N` for an episode
        // not downloaded yet, so that neither links libcurl (start-up time of `wdfctl status`).
        .executableTarget(name: "wdfplay-feed", dependencies: [
            "WDFFeed", "WDFNet", "WDFConfig", "WDFLibrary", "WDFStore", "WDFPlatform", "WDFClient", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Scripts/bench-chapters: reading the chapters of a file with a 5 MB tag.
        .executableTarget(name: "bench-chapters", dependencies: ["WDFLibrary"], path: "Benchmarks/ChapterRead"),
        // Scripts/bench-dsp: frames per second of the DSP stages on 30 minutes of PCM.
        .executableTarget(name: "bench-dsp", dependencies: ["WDFCore", "WDFDSP"], path: "Benchmarks/DSP"),
        // What the test targets share (as argument-parser's ArgumentParserTestHelpers): the process
        // runner, sound server, recorder and tone analysis, line client, HTTP server, temp folders.
        .target(name: "WDFTestSupport", path: "Tests/WDFTestSupport"),
        .testTarget(name: "WDFCoreTests", dependencies: ["WDFCore", "WDFPlatform", "WDFTestSupport"]),
        .testTarget(name: "WDFPlatformTests", dependencies: ["WDFPlatform", "CLinux", "WDFTestSupport"]),
        .testTarget(name: "WDFLibraryTests", dependencies: ["WDFLibrary", "WDFStore", "WDFPlatform", "WDFTestSupport"]),
        .testTarget(name: "WDFConfigTests", dependencies: ["WDFConfig", "WDFTestSupport"]),
        .testTarget(name: "WDFAudioTests", dependencies: ["WDFAudio", "WDFCore", "WDFPlatform", "WDFDSP"]),
        .testTarget(name: "WDFDSPTests", dependencies: ["WDFCore", "WDFDSP"]),
        .testTarget(name: "WDFFeedTests", dependencies: ["WDFFeed", "WDFLibrary", "WDFStore", "WDFPlatform"]),
        .testTarget(name: "WDFNetTests", dependencies: ["WDFNet"]),
        .testTarget(name: "WDFDaemonTests", dependencies: ["WDFDaemon", "WDFLibrary", "WDFPlatform", "WDFStore", "WDFProtocol", "WDFMPRIS", "WDFTestSupport"]),
        .testTarget(name: "WDFClientTests", dependencies: ["WDFClient", "WDFPlatform", "WDFProtocol", "WDFTestSupport"]),
        .testTarget(name: "WDFProtocolTests", dependencies: ["WDFProtocol"]),
        .testTarget(name: "WDFMPRISTests", dependencies: ["WDFMPRIS"]),
        .testTarget(name: "ServiceTests", dependencies: ["WDFTestSupport", "wdfplayd", "wdfplay", "wdfctl", "wdfplay-config", "wdfplay-feed"]),
        .testTarget(name: "EndToEndTests", dependencies: ["WDFCore", "WDFProtocol", "WDFTestSupport", "wdfplayd", "wdfplay", "wdfctl", "wdfplay-config", "wdfplay-feed"]),
    ],
    swiftLanguageModes: [.v6]
)
