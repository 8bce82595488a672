import ArgumentParser
import Checkpoint
import Engine
import NN
import Models

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a checkpoint's tensors, or a model's layers with their output shapes and parameters.",
        discussion: """
            Reads PyTorch .pth (legacy and zip) and .safetensors files without running any code in them.
            With --model, builds the architecture and prints a Keras-style summary instead: every layer's
            output shape for one picture and its parameter count (--depth 2 shows the layers inside blocks).
            Examples:
              swift run lab inspect Assets/weights/efficientnet-lite0.pth
              swift run lab inspect --model efficientnet-lite0
            """)

    @Argument(help: "A .pth or .safetensors file.")
    var file: String?

    @Option(help: "An architecture to summarize instead of a file: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: String?

    @Option(help: "How many levels of nested layers the model summary shows.")
    var depth = 1

    func validate() throws {
        guard (file == nil) != (model == nil) else { throw ValidationError("give either a FILE or --model NAME") }
        guard depth >= 1 else { throw ValidationError("--depth must be 1 or more, got \(depth)") }
    }

    func run() throws {
        if let file {
            print(try CheckpointFile.load(from: file).summary())
            return
        }
        guard let name = model, let architecture = Architecture(rawValue: name) else {
            throw ZooError.unknownArchitecture(model ?? "")
        }
        let network = architecture.build()
        let size = network.preprocessing.inputSize
        print("\(name), one \(size)×\(size) picture:")
        print(network.summary(input: Tensor(zeros: [1, size, size, 3]), maxDepth: depth))
    }
}
