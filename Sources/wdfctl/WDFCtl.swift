import ArgumentParser
import WDFCore


struct WDFCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wdfctl",
        abstract: "Control wdfplayd: pause, seek, chapters, status.",
        discussion: "Every command takes --json to print the daemon's reply as one JSON object, and --socket PATH.",
        version: wdfplayVersion,
        subcommands: [Status.self, Pause.self, Resume.self, Toggle.self, Seek.self, Next.self, Prev.self,
                      ChapterCommand.self, Chapters.self, Mark.self, Unmark.self, Sleep.self, Episodes.self, Info.self,
                      Played.self, Unplayed.self, Sync.self, Download.self, Stop.self, Quit.self, Follow.self])
}
