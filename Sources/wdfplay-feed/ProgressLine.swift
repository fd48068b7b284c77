import Glibc
import WDFCore
import WDFNet
import WDFPlatform

/// `  #7  12.3 MB / 30.1 MB  41%  2.1 MB/s  0:08 left` redrawn in place on a terminal; on
/// anything else, nothing until the end.
final class ProgressLine {
    let title: String
    let live = isatty(2) != 0
    private var drawn = false
    private var last: TransferProgress?

    init(title: String) {
        self.title = title
    }

    func show(_ progress: TransferProgress) {
        guard live else { return }
        last = progress
        TerminalText.redrawError(ProgressLine.text(progress))
        drawn = true
    }

    /// The line without its title; any sizes and rates (a server may announce 9 EB) give a line.
    static func text(_ progress: TransferProgress) -> String {
        var line = "  \(Bytes.text(progress.bytes))"
        if let total = progress.total, total > 0 {
            let percent = min(100, max(0, Double(progress.bytes) / Double(total) * 100))
            line += " / \(Bytes.text(total))  \(Int(percent.rounded(.down)))%"
        }
        if progress.rate.isFinite, progress.rate >= 1, progress.rate < 1e15 {
            line += "  \(Bytes.text(Int(progress.rate)))/s"
            // Up to 100 days left is worth saying; beyond that, it is not a useful figure.
            if let total = progress.total, total > progress.bytes {
                let left = Double(total - progress.bytes) / progress.rate
                if left.isFinite, left < 100 * 86_400 { line += "  \(TimeFormat.clock(left)) left" }
            }
        }
        return line
    }

    /// The last redraw of a download that finished: `bytes` is all of it (libcurl's last
    /// progress call may come before the last bytes, which left the line at 99%).
    func complete(bytes: Int) {
        guard live, var final = last else { return }
        final.bytes = bytes
        if let total = final.total, total < bytes { final.total = bytes }
        show(final)
    }

    func finish() {
        guard drawn else { return }
        TerminalText.printError("")
        drawn = false
    }
}
