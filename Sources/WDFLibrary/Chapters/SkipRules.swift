import WDFCore

/// The config's `skip_chapters` globs: which chapter titles playback skips.
///
/// A pattern matches a whole title (both trimmed), case-insensitively: `*` any run of characters
/// (also none), `?` one character, `[abc]` one of the listed, `[a-z]` a range, `[!abc]` or `[^abc]`
/// any other, `\x` the character x itself. A `[` without its `]` is an ordinary character.
/// Matching takes at most (title length × pattern length) steps, whatever the pattern.
public struct SkipRules: Sendable, Equatable {
    public let patterns: [String]
    private let compiled: [[Token]]

    public init(patterns: [String]) {
        self.patterns = patterns
        compiled = patterns.map { Self.compile($0.trimmingWhitespace().lowercased()) }
    }

    public var isEmpty: Bool { patterns.isEmpty }

    public func matches(_ title: String) -> Bool { matchingPattern(title) != nil }

    /// The first pattern that matches `title` (for "skipped: matches Sponsor*"), or nil.
    public func matchingPattern(_ title: String) -> String? {
        let text = Array(title.trimmingWhitespace().lowercased())
        for (i, tokens) in compiled.enumerated() where Self.match(tokens, text) { return patterns[i] }
        return nil
    }

    private enum Token: Sendable, Equatable {
        case literal(Character)
        case any
        case star
        case set([ClosedRange<Character>], negated: Bool)

        func matches(_ c: Character) -> Bool {
            switch self {
            case .literal(let l): return l == c
            case .any: return true
            case .star: return false
            case .set(let ranges, let negated): return ranges.contains { $0.contains(c) } != negated
            }
        }
    }

    private static func compile(_ pattern: String) -> [Token] {
        let p = Array(pattern)
        var tokens: [Token] = []
        var i = 0
        while i < p.count {
            let c = p[i]
            switch c {
            case "*":
                if tokens.last != .star { tokens.append(.star) }
                i += 1
            case "?":
                tokens.append(.any)
                i += 1
            case "\\" where i + 1 < p.count:
                tokens.append(.literal(p[i + 1]))
                i += 2
            case "[":
                if let (set, next) = bracket(p, from: i) {
                    tokens.append(set)
                    i = next
                } else {
                    tokens.append(.literal("["))
                    i += 1
                }
            default:
                tokens.append(.literal(c))
                i += 1
            }
        }
        return tokens
    }

    /// `[…]` starting at `p[start]`: the set and the index after its `]`, or nil if unclosed.
    private static func bracket(_ p: [Character], from start: Int) -> (Token, Int)? {
        var i = start + 1
        var negated = false
        if i < p.count, p[i] == "!" || p[i] == "^" { negated = true; i += 1 }
        var ranges: [ClosedRange<Character>] = []
        var first = true
        while i < p.count {
            var c = p[i]
            if c == "]", !first { return (.set(ranges, negated: negated), i + 1) }
            first = false
            if c == "\\", i + 1 < p.count { i += 1; c = p[i] }
            if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                let upper = p[i + 2]
                if c <= upper { ranges.append(c...upper) }
                i += 3
            } else {
                ranges.append(c...c)
                i += 1
            }
        }
        return nil
    }

    /// Wildcard matching with one backtrack point (the last `*`): O(text × pattern).
    private static func match(_ tokens: [Token], _ text: [Character]) -> Bool {
        var t = 0, p = 0
        var star = -1, starText = 0
        while t < text.count {
            if p < tokens.count, tokens[p] == .star {
                star = p
                starText = t
                p += 1
            } else if p < tokens.count, tokens[p].matches(text[t]) {
                p += 1
                t += 1
            } else if star >= 0 {
                p = star + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == .star { p += 1 }
        return p == tokens.count
    }
}
