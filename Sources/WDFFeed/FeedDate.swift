/// Publication dates as feeds write them: RFC 822 (`Wed, 31 Jan 2018 05:00:00 +0000`, with the
/// usual liberties), else ISO 8601 (`2018-01-31T05:00:00Z`, RSS 1.0's `dc:date`).
public enum FeedDate {
    /// Seconds since the Unix epoch, or nil when `text` is no date this can read.
    public static func parse(_ text: String) -> Int? {
        rfc822(text) ?? iso8601(text)
    }

    /// `Wed, 31 Jan 2018 05:00:00 +0000`; also `GMT`, `EST`-style zones, 2-digit years, no
    /// weekday, one-digit days, `HH:MM` times, full or abbreviated month names, no zone (UTC).
    public static func rfc822(_ text: String) -> Int? {
        let tokens = text.split { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }
        guard tokens.count >= 3, tokens.count <= 12 else { return nil }
        var day: Int?, month: Int?, year: Int?
        var hour = 0, minute = 0, second = 0, offset = 0
        var sawTime = false
        var meridiem: String?
        for token in tokens {
            guard let first = token.first, token.count <= 40 else { return nil }
            if first.isASCII, first.isNumber, token.contains(":") {
                guard !sawTime, let (h, m, s, zone) = time(token) else { return nil }
                hour = h; minute = m; second = s; sawTime = true
                if let zone { offset = zone }
            } else if token.allSatisfy({ $0.isASCII && $0.isNumber }) {
                let value = Int(token) ?? -1
                if token.count == 4, year == nil {
                    year = value
                } else if token.count <= 2, day == nil {
                    day = value
                } else if token.count <= 2, year == nil {
                    year = value < 50 ? 2000 + value : 1900 + value
                } else {
                    return nil
                }
            } else if first == "+" || first == "-" {
                guard let zone = numericZone(token) else { return nil }
                offset = zone
            } else if let m = monthNumber(token) {
                guard month == nil else { return nil }
                month = m
            } else if let zone = zoneOffsets[token.uppercased()] {
                offset = zone
            } else if token.uppercased() == "AM" || token.uppercased() == "PM" {
                meridiem = token.uppercased()
            } else if weekday(token) || token.hasPrefix("(") || (token.count == 1 && first.isLetter) {
                continue
            } else {
                return nil
            }
        }
        guard let day, let month, let year else { return nil }
        if let meridiem {
            guard sawTime, (1...12).contains(hour) else { return nil }
            hour = meridiem == "AM" ? hour % 12 : hour % 12 + 12
        }
        return epoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }

    /// `2018-01-31T05:00:00Z`, `2018-01-31T05:00:00.123+01:00`, `2018-01-31 05:00:00`, `2018-01-31`.
    public static func iso8601(_ text: String) -> Int? {
        let s = Array(text.trimmingWhitespace().utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= s.count else { return nil }
            var value = 0
            for k in from..<(from + count) {
                guard s[k] >= 0x30, s[k] <= 0x39 else { return nil }
                value = value * 10 + Int(s[k] - 0x30)
            }
            return value
        }
        guard s.count >= 10, let year = number(0, 4), s[4] == UInt8(ascii: "-"), let month = number(5, 2),
              s[7] == UInt8(ascii: "-"), let day = number(8, 2) else { return nil }
        var hour = 0, minute = 0, second = 0, offset = 0
        var k = 10
        if k < s.count, s[k] == UInt8(ascii: "T") || s[k] == UInt8(ascii: "t") || s[k] == UInt8(ascii: " ") {
            guard let h = number(k + 1, 2), k + 3 < s.count, s[k + 3] == UInt8(ascii: ":"), let m = number(k + 4, 2) else { return nil }
            hour = h; minute = m
            k += 6
            if k < s.count, s[k] == UInt8(ascii: ":") {
                guard let sec = number(k + 1, 2) else { return nil }
                second = sec
                k += 3
                if k < s.count, s[k] == UInt8(ascii: ".") || s[k] == UInt8(ascii: ",") {
                    k += 1
                    while k < s.count, s[k] >= 0x30, s[k] <= 0x39 { k += 1 }
                }
            }
            if k < s.count {
                let zone = String(decoding: s[k...], as: UTF8.self).trimmingWhitespace()
                if zone == "Z" || zone == "z" {
                    offset = 0
                } else if let z = numericZone(Substring(zone)) {
                    offset = z
                } else {
                    return nil
                }
                k = s.count
            }
        }
        guard k == s.count else { return nil }
        return epoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }

    /// The UTC day of `epoch`, "2018-01-31".
    public static func day(_ epoch: Int) -> String {
        let days = epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400
        let (y, m, d) = civil(fromDays: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var year = String(y)
        while year.count < 4 { year = "0" + year }
        return "\(year)-\(two(m))-\(two(d))"
    }

    // MARK: parts

    /// `05:00`, `05:00:00`, `05:00:00.5`, also with a zone stuck to it (`05:00:00Z`, `05:00+0100`).
    static func time(_ token: Substring) -> (Int, Int, Int, Int?)? {
        let clock = token.prefix { ($0.isASCII && $0.isNumber) || $0 == ":" || $0 == "." }
        let rest = token[clock.endIndex...]
        let fields = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3 else { return nil }
        guard let h = Int(fields[0]), fields[0].count <= 2, let m = Int(fields[1]), fields[1].count == 2 else { return nil }
        var s = 0
        if fields.count == 3 {
            let whole = fields[2].prefix { $0 != "." }
            guard whole.count == 2, let value = Int(whole) else { return nil }
            s = value
        }
        guard h <= 23, m <= 59, s <= 60 else { return nil }
        var zone: Int?
        if !rest.isEmpty {
            if rest == "Z" || rest == "z" {
                zone = 0
            } else if let z = numericZone(rest) {
                zone = z
            } else if let z = zoneOffsets[rest.uppercased()] {
                zone = z
            } else {
                return nil
            }
        }
        return (h, m, s, zone)
    }

    /// `+0000`, `-0500`, `+05:30`, `+01` in seconds east of UTC.
    static func numericZone(_ token: Substring) -> Int? {
        guard let sign = token.first, sign == "+" || sign == "-" else { return nil }
        let digits = token.dropFirst().filter { $0 != ":" }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count == 4 || digits.count == 2,
              token.dropFirst().count <= 5 else { return nil }
        let h = Int(digits.prefix(2)) ?? 0
        let m = digits.count == 4 ? Int(digits.suffix(2)) ?? 0 : 0
        guard h <= 14, m <= 59 else { return nil }
        return (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
    }

    static let zoneOffsets: [String: Int] = [
        "GMT": 0, "UT": 0, "UTC": 0, "Z": 0, "WET": 0, "BST": 3600, "CET": 3600, "CEST": 7200, "EET": 7200, "EEST": 10800,
        "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
        "MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
        "AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600, "IST": 19800, "JST": 9 * 3600,
        "AEST": 10 * 3600, "AEDT": 11 * 3600,
    ]

    private static let months = ["january", "february", "march", "april", "may", "june", "july", "august",
                                 "september", "october", "november", "december"]

    /// "Jan", "January", "Sept", "jan." → 1-based month.
    static func monthNumber(_ token: Substring) -> Int? {
        var word = token.lowercased()
        if word.hasSuffix(".") { word.removeLast() }
        guard word.count >= 3 else { return nil }
        return months.firstIndex { $0.hasPrefix(word) }.map { $0 + 1 }
    }

    static func weekday(_ token: Substring) -> Bool {
        var word = token.lowercased()
        if word.hasSuffix(".") { word.removeLast() }
        guard word.count >= 2 else { return false }
        return ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].contains { $0.hasPrefix(word) }
    }

    static func epoch(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int) -> Int? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let lengths = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1], (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else {
            return nil
        }
        return days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
    }

    static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
