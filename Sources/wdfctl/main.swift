import Glibc
import WDFClient

// The commands that key bindings and status bars run many times a minute skip the argument
// parser's start-up (about 2 ms of reflection); their output is the same. Anything else, and any
// flag beyond --json, goes through ArgumentParser as usual.
if let status = QuickCommand.run(Array(CommandLine.arguments.dropFirst())) {
    exit(status)
}
WDFCtl.main()
