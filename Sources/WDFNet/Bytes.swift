/// Byte counts for people: "30.1 MB".
public enum Bytes {
    public static func text(_ bytes: Int) -> String {
        let value = Double(bytes)
        if bytes < 1000 { return "\(bytes) B" }
        if value < 1e6 { return one(value / 1e3) + " kB" }
        if value < 1e9 { return one(value / 1e6) + " MB" }
        return one(value / 1e9) + " GB"
    }

    static func one(_ x: Double) -> String {
        let tenths = Int(exactly: (x * 10).rounded()) ?? 0
        return "\(tenths / 10).\(tenths % 10)"
    }
}
