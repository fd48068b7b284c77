import Testing
import WDFCore
import WDFProtocol

/// `help` and the table of commands in Docs/protocol.md come from `CommandCatalog`.
@Suite("The command catalogue, help and the protocol document")
struct CommandCatalogTests {
    @Test func theDocumentListsTheCatalogueInItsOrder() throws {
        let documented = try ProtocolDocument.commandRows().flatMap(\.names)
        #expect(documented == CommandCatalog.entries.map(\.name))
    }

    @Test func theDocumentedArgumentsAreTheCatalogues() throws {
        let rows = try ProtocolDocument.commandRows()
        var previous = ""
        let cells = Dictionary(uniqueKeysWithValues: rows.flatMap { row in row.names.map { ($0, row.arguments) } })
        for row in rows {
            // "the same": as the row before; "as for `play`": that row's words count too.
            var cell = row.arguments == "the same" ? previous : row.arguments
            previous = cell
            if cell.contains("as for `play`") { cell += " " + (cells["play"] ?? "") }
            for name in row.names {
                let entry = try #require(CommandCatalog.entry(name))
                let known = Set(entry.arguments.map(\.name))
                for argument in ProtocolDocument.documentedArguments(row.arguments) {
                    #expect(known.contains(argument), "\(name): the document names \"\(argument)\", which the catalogue does not have")
                }
                let quoted = ProtocolDocument.quotedWords(cell)
                for argument in entry.arguments where argument.aliasOf == nil {
                    #expect(quoted.contains(argument.name), "\(name): \"\(argument.name)\" is not in its row of the document")
                }
            }
        }
    }

    @Test func helpNamesEveryArgument() {
        for entry in CommandCatalog.entries {
            for argument in entry.arguments where argument.aliasOf == nil {
                #expect(entry.summary.contains(argument.name), "\(entry.name): its summary does not name \"\(argument.name)\"")
            }
        }
    }

    @Test func helpIsTheCatalogue() throws {
        guard case let .help(entries) = try Reply(data: CommandCatalog.helpJSON, to: .help) else {
            Issue.record("help is not read as help")
            return
        }
        #expect(entries.map(\.command) == CommandCatalog.entries.map(\.name))
        #expect(entries.map(\.summary) == CommandCatalog.entries.map(\.summary))
        #expect(CommandCatalog.helpJSON.serialized.hasPrefix(#"[{"command":"play","summary":"play an episode: "#))
    }

    /// Every catalogue name is read as a command of that name, whose arguments are the catalogue's.
    @Test func everyNameIsACommand() throws {
        for entry in CommandCatalog.entries {
            do {
                let command = try Command.read(name: entry.name, body: ["command": .string(entry.name)])
                #expect(command.name == entry.name)
                #expect(command.arguments.allSatisfy { pair in entry.arguments.contains { $0.name == pair.0 } })
            } catch {
                // Some need an argument; none is unknown.
                #expect(error.code == "bad_argument", "\(entry.name): \(error)")
            }
        }
    }
}
