import Glibc
import WDFCore
import WDFPlatform

/// Episode covers on disk for desktop widgets (`mpris:artUrl` wants a file): each picture
/// written once, as `<directory>/<digest>.jpg|png` (`$XDG_CACHE_HOME/wdfplay/art`), so the
/// episodes of a series that share a cover share one file. The folder is bounded: at most
/// `maximumFiles` pictures; writing one more removes the least recently written.
public struct ArtCache: Sendable {
    public let directory: String
    public let maximumFiles: Int

    public static let defaultMaximumFiles = 64

    public init(cacheDirectory: String, maximumFiles: Int = ArtCache.defaultMaximumFiles) {
        directory = cacheDirectory + "/art"
        self.maximumFiles = max(1, maximumFiles)
    }

    /// The file holding `picture`: the one already there (not written again), else a new one.
    public func file(for picture: ID3Picture) throws(SystemError) -> String {
        let path = directory + "/" + picture.digest + "." + picture.format.rawValue
        var st = stat()
        if FileName.withCString(path, { lstat($0, &st) }) == 0, st.st_mode & S_IFMT == S_IFREG,
           Int(st.st_size) == picture.bytes.count {
            return path
        }
        try FileSystem.makeDirectory(directory)
        makeRoom()
        try FileSystem.writeAtomically(path, picture.bytes, durable: false, mode: 0o600)
        return path
    }

    /// The cover of the episode at `path` in the cache; nil when it has none. Throws when the
    /// file cannot be read or the picture not written.
    public func file(forEpisodeAt path: String) throws(SystemError) -> String? {
        guard let picture = try ID3Picture.read(path: path) else { return nil }
        return try file(for: picture)
    }

    /// The pictures here, oldest first.
    func pictures() -> [(name: String, written: Int)] {
        FileSystem.names(in: directory).compactMap { name -> (String, Int)? in
            guard name.hasSuffix(".jpg") || name.hasSuffix(".png") else { return nil }
            var st = stat()
            guard FileName.withCString(directory + "/" + name, { lstat($0, &st) }) == 0,
                  st.st_mode & S_IFMT == S_IFREG else { return nil }
            return (name, Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec))
        }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
    }

    /// Removes the oldest pictures until one more fits under `maximumFiles`.
    private func makeRoom() {
        let present = pictures()
        guard present.count >= maximumFiles else { return }
        for old in present.prefix(present.count - maximumFiles + 1) {
            _ = FileName.withCString(directory + "/" + old.name) { unlink($0) }
        }
    }
}
