import ArgumentParser
import WDFCore


struct WDFCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wdfctl",
        abstract: "Control wdfplayd: pause, seek, chapters, status.",
        discussion: """
            Without a command: status. Every command takes --json (the daemon's reply as one JSON object on \
            stdout; a refusal as {"error":{"code","message","detail"}}) and --socket PATH, before or after \
            the command. Exit status: 0 done, 1 refused by the daemon, 64 a usage mistake, 69 the daemon is \
            not running, 74 the connection or standard output failed.
            """,
        version: wdfplayVersion,
        subcommands: [Status.self, Pause.self, Resume.self, Toggle.self, Seek.self, Next.self, Prev.self, NextEpisode.self, PrevEpisode.self,
                      ChapterCommand.self, Chapters.self, Mark.self, Unmark.self, Sleep.self, Speed.self, Silence.self, Stats.self, Volume.self, Episodes.self, Info.self,
                      Played.self, Unplayed.self, Sync.self, Download.self, Stop.self, Quit.self, Reload.self, Follow.self])
}
