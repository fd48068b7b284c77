import Glibc

/// Setting a damaged state file aside.
extension FileSystem {
    /// Moves a state file that cannot be used out of the way, to `FILE.damaged-<unix time>`, and
    /// returns the new name (nil if even the rename failed; the file is then left as it was).
    /// The same convention as `ResumeStore` (which could call this instead of its own copy).
    public static func setAside(_ file: String) -> String? {
        let aside = file + ".damaged-\(time(nil))"
        return rename(file, aside) == 0 ? aside : nil
    }
}
