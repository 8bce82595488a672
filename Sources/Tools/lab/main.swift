// `lab`: TransferLab's command line. Errors are one line on stderr: exit status 1 for a bad file or a failed
// run, 2 for a usage error, never a crash.

import ArgumentParser
import Foundation

struct Lab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Run TransferLab's pretrained models from the command line.",
        discussion: """
            Examples:
              swift run lab classify Assets/photos/chelsea.png Assets/photos/dog.jpg
              swift run lab classify cat.jpg --top 3 --json
              swift run lab inspect Assets/weights/efficientnet-lite0.pth
              swift run lab ideal --class 284 --tv 1000 --jitter 16 --scale 0.1 -o cat.png
              swift run lab attack Assets/photos/dog.jpg --target 285 --epsilon 2/255 -o dog-as-cat.png
              swift run lab train my-photos --output my-model.safetensors
            """,
        subcommands: [Classify.self, Inspect.self, Ideal.self, Attack.self, Train.self])
}

/// A failure that is the user's input, not a bug: reported as one line, exit status 1.
struct LabFailure: Error, CustomStringConvertible {
    let description: String
}

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("lab: \(message)\n".utf8))
    exit(status)
}

// Parsing and validation errors are usage errors (2); errors while running are failures (1).
var command: ParsableCommand
do {
    command = try Lab.parseAsRoot()
} catch {
    if Lab.exitCode(for: error) == .success {
        print(Lab.fullMessage(for: error))
        exit(0)
    }
    fail(Lab.message(for: error) + " (see 'lab --help')", status: 2)
}
do {
    try command.run()
} catch let code as ExitCode {
    exit(code.rawValue)   // the command has already reported what went wrong
} catch {
    // A subcommand's --help can surface here, as ArgumentParser's own error.
    if Lab.exitCode(for: error) == .success {
        print(Lab.fullMessage(for: error))
        exit(0)
    }
    fail("\(error)", status: 1)
}
