// swift-tools-version:6.0
import PackageDescription

/// Numeric code is compiled optimised in every configuration, so a plain `swift run lesson-04`
/// (a debug build) is not 20-40x slower than a release build. Root packages may use unsafe flags.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"])]

/// One executable per lesson: `swift run lesson-04` follows lesson 4.
let lessons = (1...6).map { "lesson-0\($0)" }
let lessonDependencies: [Target.Dependency] = ["Engine", "NN", "Vision", "Imaging", "Notebook"]

let package = Package(
    name: "TransferLab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lab", targets: ["lab"]),
        .executable(name: "bench", targets: ["bench"]),
        .executable(name: "gallery", targets: ["gallery"]),
    ] + lessons.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: C libraries (Debian: libopenblas-dev, libpng-dev, libgd-dev)
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(name: "CLibGD", pkgConfig: "gdlib",
                       providers: [.apt(["libgd-dev"]), .brew(["gd"])]),

        // MARK: The teaching engine
        .target(name: "Engine", dependencies: ["COpenBLAS"], swiftSettings: optimised),
        .target(name: "Imaging", dependencies: ["CLibPNG", "CLibGD"], swiftSettings: optimised),
        .target(name: "Checkpoint", swiftSettings: optimised),
        .target(name: "NN", dependencies: ["Engine"], swiftSettings: optimised),
        .target(name: "Vision", dependencies: ["Engine", "NN", "Imaging", "Checkpoint"],
                swiftSettings: optimised),
        .target(name: "Notebook", dependencies: ["Imaging", "CLibGD"], swiftSettings: optimised),

        // MARK: Programs
        .executableTarget(name: "lab", dependencies: [
            "Vision", "Notebook", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "bench", dependencies: [
            "COpenBLAS",
            "Engine", "NN", "Vision", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimised),
        .executableTarget(name: "gallery", dependencies: ["Notebook", "Imaging"]),

        // MARK: Lessons
    ] + lessons.map { .executableTarget(name: $0, dependencies: lessonDependencies, path: "Lessons/\($0)") } + [

        // MARK: Tests
        .testTarget(name: "EngineTests", dependencies: ["Engine"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint"], exclude: ["Fixtures"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "Imaging"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Engine"]),
        .testTarget(name: "VisionTests", dependencies: ["Vision", "NN", "Engine", "Imaging", "Checkpoint"]),
        .testTarget(name: "LessonTests", dependencies: ["Notebook"]),
    ],
    // Lessons and exercises are read by students: Swift 5 mode keeps strict-concurrency noise out of them.
    swiftLanguageModes: [.v5]
)
