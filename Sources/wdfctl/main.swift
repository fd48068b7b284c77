import Glibc
import WDFClient
import WDFCore
import WDFPlatform

// Every exit checks that what was printed reached standard output (74 if not), also the ones
// ArgumentParser makes itself after `--help` or `--version`.
StandardOutput.checkAtExit()

// Arguments keep their bytes (FileName): `wdfctl info` of a file whose name is not UTF-8 works.
switch CommandWords.normalize(Array(FileName.commandLineArguments().dropFirst())) {
case let .usage(sentence):
    printError(sentence)
    exit(64)
case let .run(arguments):
    // The commands that key bindings and status bars run many times a minute skip the argument
    // parser's start-up (about 2 ms of reflection); their output is the same. Anything else, and
    // any flag beyond --json and --socket, goes through ArgumentParser as usual.
    if let status = QuickCommand.run(arguments) {
        StandardOutput.finish(status)
    }
    do {
        var command = try WDFCtl.parseAsRoot(arguments)
        try command.run()
    } catch {
        // Output already written (a list, a reply) must have reached its file before the exit
        // status says so; a usage error or a refusal keeps its own status.
        StandardOutput.check()
        WDFCtl.exit(withError: error)
    }
    StandardOutput.finish(0)
}
