/// The numbers of an episode's bookmarks in a sentence, for `no_such_bookmark`.
enum BookmarkNumbers {
    /// "only bookmark 1", "bookmarks 1 and 2", "bookmarks 1 to 4", "bookmarks 1 to 3, 5 and 7":
    /// the numbers there are (ascending), runs shortened.
    static func phrase(_ numbers: [Int]) -> String {
        guard numbers.count > 1 else { return "only bookmark " + numbers.map(String.init).joined() }
        var runs: [ClosedRange<Int>] = []
        for number in numbers {
            if let last = runs.last, last.upperBound + 1 == number {
                runs[runs.count - 1] = last.lowerBound...number
            } else {
                runs.append(number...number)
            }
        }
        let parts = runs.flatMap { run -> [String] in
            switch run.count {
            case 1: ["\(run.lowerBound)"]
            case 2: ["\(run.lowerBound)", "\(run.upperBound)"]
            default: ["\(run.lowerBound) to \(run.upperBound)"]
            }
        }
        let words = parts.count == 1 ? parts[0] : parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
        return "bookmarks " + words
    }
}
