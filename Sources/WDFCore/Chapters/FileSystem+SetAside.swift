import Glibc

/// Setting a damaged state file aside.
extension FileSystem {
    /// Moves a state file that cannot be used out of the way, to `FILE.damaged-<unix time>`, and
    /// returns the new name (nil if even the rename failed; the file is then left as it was).
    /// The same convention as `ResumeStore` (which could call this instead of its own copy).
    public static func setAside(_ file: String) -> String? {
        // Named by the second; a second damaged file in the same second gets -2, -3 …
        var aside = file + ".damaged-\(time(nil))"
        var n = 2
        while exists(aside) && n < 1000 {
            aside = file + ".damaged-\(time(nil))-\(n)"
            n += 1
        }
        return rename(file, aside) == 0 ? aside : nil
    }
}
