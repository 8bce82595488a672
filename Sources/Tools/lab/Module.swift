// lab — the `swift run lab` command line.
//
// Job: `classify`, `inspect`, `ideal`, `attack` and `train` as subcommands (swift-argument-parser), each a thin
// layer over the library: one clear line on stderr and exit 1 for a bad file, 2 for bad usage, `--json` for
// programs. It may import the library modules it drives; no library module imports it.
