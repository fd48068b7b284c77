import Glibc
import WDFClient
import WDFCore

// The commands that key bindings and status bars run many times a minute skip the argument
// parser's start-up (about 2 ms of reflection); their output is the same. Anything else, and any
// flag beyond --json, goes through ArgumentParser as usual.
// Arguments keep their bytes (FileName): `wdfctl info` of a file whose name is not UTF-8 works.
let arguments = Array(FileName.commandLineArguments().dropFirst())
if let status = QuickCommand.run(arguments) {
    exit(status)
}
WDFCtl.main(arguments)
