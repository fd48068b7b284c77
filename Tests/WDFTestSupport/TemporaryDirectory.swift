import Glibc

/// The tests' one temporary-folder helper: a fresh folder of their own (mode 0700), named
/// `wdf-NAME-XXXXXX` under `$TMPDIR` (else /tmp), and its removal with everything in it.
package enum TemporaryDirectory {
    /// A fresh folder (mkdtemp). A test cannot go on without one: when none can be made, the
    /// test process stops here, saying why.
    package static func make(_ name: String) -> String {
        var base = getenv("TMPDIR").map { String(cString: $0) } ?? ""
        if base.isEmpty { base = "/tmp" }
        while base.count > 1, base.hasSuffix("/") { base.removeLast() }
        var template = Array("\(base)/wdf-\(name)-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            guard let made = mkdtemp(buffer.baseAddress!) else {
                fatalError("cannot make a temporary folder in \(base): \(String(cString: strerror(errno)))")
            }
            return String(cString: made)
        }
    }

    /// Runs `body` with a fresh folder, removed (with what is in it) afterwards.
    package static func with<T>(_ name: String, _ body: (String) throws -> T) throws -> T {
        let path = make(name)
        defer { remove(path) }
        return try body(path)
    }

    /// Removes `path` and, if it is a folder, everything in it (symbolic links are removed, not
    /// followed; folders a test made unreadable are made readable first). Names are handled as
    /// the bytes they are, whether or not they are UTF-8.
    package static func remove(_ path: String) {
        remove(Array(path.utf8CString.dropLast()))
    }

    private static func remove(_ path: [CChar]) {
        let terminated = path + [0]
        var info = stat()
        guard lstat(terminated, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            unlink(terminated)
            return
        }
        chmod(terminated, 0o700)
        if let dir = opendir(terminated) {
            var children: [[CChar]] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    Array(raw.bindMemory(to: CChar.self).prefix { $0 != 0 })
                }
                if name == [0x2E] || name == [0x2E, 0x2E] { continue }
                children.append(path + [0x2F] + name)
            }
            closedir(dir)
            for child in children { remove(child) }
        }
        rmdir(terminated)
    }
}

extension TemporaryDirectory {
    package struct CreateError: Error, CustomStringConvertible {
        package var description: String
    }

    /// Creates `directory/NAME`, NAME as raw bytes (a stranger's name need not be UTF-8), holding
    /// `contents`; fails when it exists.
    package static func createFile(_ directory: String, name: [UInt8], contents: [UInt8] = Array("x".utf8)) throws(CreateError) {
        let raw = Array(directory.utf8) + [0x2F] + name + [0]
        let fd = raw.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        }
        guard fd >= 0 else { throw CreateError(description: "cannot create a file in \(directory): errno \(errno)") }
        defer { close(fd) }
        let written = contents.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == contents.count else { throw CreateError(description: "cannot write a file in \(directory)") }
    }
}
