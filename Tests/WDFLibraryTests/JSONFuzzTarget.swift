import WDFCore
import WDFStore
import WDFLibrary

/// What the JSON fuzz target (`Tests/Fuzz/FuzzJSON.swift`, built by `Scripts/fuzz-json`) does with
/// one input; `JSONFuzzRegressionTests` replays its seeds and findings through the same calls.
/// Besides crashes it checks two promises, and traps when one is broken (a finding): what the
/// parser accepts has no object with a key twice, and what the serializer writes parses again.
enum JSONFuzzTarget {
    static func run(_ bytes: [UInt8]) {
        // The reader on its own and the readers built on it (the feed store's item, the config
        // bridge, a chapters sidecar), whatever the bytes.
        _ = try? PodcastJSONChapterSource.parse(bytes, file: "fuzz.json")
        guard let json = try? JSONParser.parse(bytes) else { return }
        precondition(!hasDuplicateKeys(json), "the parser accepted a key twice")
        guard let again = try? JSONParser.parse(json.serializedBytes) else {
            preconditionFailure("the serializer wrote what the parser refuses: \(json.serialized.prefix(200))")
        }
        precondition(shape(again) == shape(json), "the shape changed in a round trip")
        _ = FeedRecord(json: json)
        _ = FeedChapterRecord(json: json)
        _ = Config(json: json)
        for item in json.arrayValue ?? [] {
            _ = FeedRecord(json: item)
        }
        visitNumbers(json) { n in
            // Every conversion the daemon and the clients make from a number.
            _ = JSON.number(n).intValue
            _ = Int(saturating: n)
            _ = TimeFormat.clock(n)
            _ = MediaTime.frame(at: n, rate: 44_100)
            _ = MediaTime.valid(n)
        }
    }

    static func hasDuplicateKeys(_ json: JSON) -> Bool {
        switch json {
        case let .object(pairs):
            var keys: Set<String> = []
            for (key, value) in pairs {
                if !keys.insert(key).inserted || hasDuplicateKeys(value) { return true }
            }
            return false
        case let .array(items):
            return items.contains(where: hasDuplicateKeys)
        default:
            return false
        }
    }

    /// The value with every number replaced by 0 (the serializer rounds to the millisecond).
    static func shape(_ json: JSON) -> JSON {
        switch json {
        case .number: return .number(0)
        case let .array(items): return .array(items.map(shape))
        case let .object(pairs): return .object(pairs.map { ($0.0, shape($0.1)) })
        default: return json
        }
    }

    static func visitNumbers(_ json: JSON, _ body: (Double) -> Void) {
        switch json {
        case let .number(n): body(n)
        case let .array(items): items.forEach { visitNumbers($0, body) }
        case let .object(pairs): pairs.forEach { visitNumbers($0.1, body) }
        default: break
        }
    }
}
