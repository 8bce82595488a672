// Progress for a dataset download, in megabytes. (A file of its own: with Foundation imported, `Progress` would name
// Foundation's class instead of the notebook's bar.)

import Datasets
import Notebook

/// A progress bar in megabytes for a download, created at the first report (when the size is known).
final class DownloadBar {
    let label: String
    var progress: Progress?

    init(label: String) { self.label = label }

    func report(_ update: DownloadProgress) {
        let megabytes = { (bytes: Int64) in Int(bytes / 1_000_000) }
        if progress == nil {
            progress = Progress(total: max(megabytes(update.total ?? update.received), 1), label: label)
        }
        progress?.advance(by: megabytes(update.received) - (progress?.completed ?? 0))
    }

    func finish() { progress?.finish() }
}
