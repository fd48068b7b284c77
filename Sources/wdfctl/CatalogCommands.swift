import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

struct Episodes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the episodes of a series: number, title, length, date and progress.",
        discussion: "Without SERIES: the current series (config `series`, else that of the last episode played).")
    @Argument(help: ArgumentHelp("A series name (any case; a unique beginning is enough).", valueName: "SERIES"),
              completion: .custom(EpisodeCompletion.seriesWords))
    var series: [String] = []
    @Flag(help: "Every episode of every series.")
    var all = false
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let name = series.joined(separator: " ").trimmingWhitespace()
        let command = Command.episodes(series: name.isEmpty ? nil : name, all: all)
        let (json, reply) = try connection.run(startingDaemon: true) { client throws(ClientError) in
            try client.ask(command, EpisodeList.init(json:))
        }
        TerminalText.print(connection.json ? json.serialized : CatalogView.episodes(reply))
        // The walk of the library spent its budget: the list may miss episodes.
        if !connection.json, let note = reply.libraryIncomplete { printError(note) }
    }
}

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "An episode's page: title, date, length, chapters and show notes.",
        discussion: "EPISODE as for wdfplay (6, \"korean war\" 6, next, title words, a file); none: the episode in play, else the last one.")
    @Argument(help: ArgumentHelp("The episode (default: the one in play).", valueName: "EPISODE"), completion: .custom(EpisodeCompletion.candidates))
    var words: [String] = []
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let command = Command.info(EpisodeWords.selection(words))
        let (json, reply) = try connection.run(startingDaemon: true) { client throws(ClientError) in
            try client.ask(command, EpisodePage.init(json:))
        }
        TerminalText.print(connection.json ? json.serialized : CatalogView.info(reply))
    }
}

struct Played: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mark an episode played (it is marked by itself when heard to within 30 s of the end, or the last tenth of a short one).")
    @Argument(help: ArgumentHelp("The episode, as for wdfplay (default: the one in play).", valueName: "EPISODE"), completion: .custom(EpisodeCompletion.candidates))
    var words: [String] = []
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try markPlayed(true, words: words, connection: connection)
    }
}

struct Unplayed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mark an episode new again: its played mark and saved position are forgotten.")
    @Argument(help: ArgumentHelp("The episode, as for wdfplay.", valueName: "EPISODE"), completion: .custom(EpisodeCompletion.candidates))
    var words: [String] = []
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try markPlayed(false, words: words, connection: connection)
    }
}

private func markPlayed(_ played: Bool, words: [String], connection: ConnectionOptions) throws {
    let selection = EpisodeWords.selection(words)
    let (json, reply) = try connection.run(startingDaemon: true) { client throws(ClientError) in
        try client.ask(played ? .played(selection) : .unplayed(selection), EpisodeSummary.init(json:))
    }
    if connection.json {
        TerminalText.print(json.serialized)
    } else {
        let name = reply.number.map { "#\($0) " } ?? ""
        TerminalText.print("\(name)\(reply.title): \(CatalogView.progress(reply))")
    }
}

/// `sync` and `download` are wdfplay-feed's: wdfctl hands them on (it does not link libcurl).
struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch the podcast feed (config `feed`) and record its episodes.",
        discussion: """
            With --download new, also download the episodes that appeared in this sync (on the first sync \
            of a feed, only its newest), and again any an earlier such sync could not download. \
            `systemctl --user enable --now wdfplay-sync.timer` runs that twice a day.
            """)
    @Option(help: ArgumentHelp("Download after syncing: `new` (episodes first seen now, and earlier ones that failed) or `none`.",
                               valueName: "WHICH"), completion: .list(["new", "none"]))
    var download: String?
    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        var arguments = ["sync"]
        if let download { arguments += ["--download", download] }
        if json { arguments.append("--json") }
        try handOn(arguments)
    }
}

struct Download: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Download an episode known from the feed into the library, with progress; a cut download resumes.")
    @Argument(help: ArgumentHelp("The episode: N, SERIES N, or title words.", valueName: "EPISODE"), completion: .custom(EpisodeCompletion.candidates))
    var words: [String] = []
    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if words.isEmpty { throw ValidationError("Name the episode to download, e.g. `wdfctl download 7`.") }
    }

    func run() throws {
        try handOn(["download"] + words + (json ? ["--json"] : []))
    }
}

private func handOn(_ arguments: [String]) throws {
    let environment = Environment.current
    do throws(ClientError) {
        let tool = try FeedTool.path(environment: environment)
        let error = Executable.exec([tool] + arguments)
        throw ClientError.connection("Cannot run \(tool): \(error).")
    } catch {
        printError(error.description)
        throw ExitCode(error.exitCode)
    }
}
