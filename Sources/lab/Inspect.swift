import ArgumentParser
import Checkpoint

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a checkpoint's tensors: name, shape, dtype and the parameter total.",
        discussion: """
            Reads PyTorch .pth (legacy and zip) and .safetensors files without running any code in them.
            Example:
              swift run lab inspect Assets/weights/efficientnet-lite0.pth
            """)

    @Argument(help: "A .pth or .safetensors file.")
    var file: String

    func run() throws {
        print(try CheckpointFile.load(from: file).summary())
    }
}
