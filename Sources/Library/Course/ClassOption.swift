// Lessons that draw or attack "a class of your choice" take it as an option (`--class 130`, `--class flamingo`).

import Foundation
import Models
import Notebook

extension Notebook {
    /// The ImageNet class the lesson option `option` names, by index (0-999) or label (case-insensitive). An unknown
    /// one is a usage error: one line on standard error ("lesson-06: unknown ImageNet class …") and exit status 2.
    public func imageNetClass(option: String) -> Int {
        let text = value(of: option) ?? ""
        if let index = ImageNet.classIndex(from: text) { return index }
        let program = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "lesson"
        FileHandle.standardError.write(Data("\(program): unknown ImageNet class \"\(text)\" (see --help)\n".utf8))
        exit(2)
    }
}
