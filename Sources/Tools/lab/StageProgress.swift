// No Foundation here: its `Progress` would hide the Notebook's.
import Notebook

/// One progress bar per stage, made on the stage's first report and finished when it completes (or, for a stage
/// that early stopping ends early, by `finishAll`).
final class StageProgress {
    private var bars: [(stage: String, bar: Progress)] = []

    func update(_ stage: String, done: Int, total: Int) {
        if bars.last?.stage != stage {
            finishAll()
            bars.append((stage, Progress(total: total, label: stage)))
        }
        let bar = bars[bars.count - 1].bar
        bar.advance(by: done - bar.completed)
    }

    func finishAll() {
        for (_, bar) in bars { bar.finish() }   // finishing twice prints nothing
    }
}
