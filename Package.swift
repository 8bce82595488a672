// swift-tools-version:6.0
import PackageDescription

/// Numeric code is compiled optimized in every configuration, so a plain `swift run lesson-04`
/// (a debug build) is not 20-40x slower than a release build. Root packages may use unsafe flags.
/// `TRANSFERLAB_UNOPTIMIZED_ENGINE=1` turns this off, to measure what it buys (see the README's "Speed").
let optimized: [SwiftSetting] = Context.environment["TRANSFERLAB_UNOPTIMIZED_ENGINE"] == nil
    ? [.unsafeFlags(["-O"])] : []

/// One executable per lesson: `swift run lesson-04` follows lesson 4.
let lessons = (1...7).map { "lesson-0\($0)" }
let lessonDependencies: [Target.Dependency] = ["TransferLab"]

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
        // MARK: C libraries (Debian: libopenblas-dev, libpng-dev, libgd-dev, zlib1g-dev)
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        // gdlib's pkg-config cflags carry a define SwiftPM rejects; gd.h is on the default include path.
        .systemLibrary(name: "CLibGD",
                       providers: [.apt(["libgd-dev"]), .brew(["gd"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

        // MARK: The teaching engine
        .target(name: "Randomness"),
        /// The hottest loops in C for AVX2 + FMA, chosen at run time (Swift cannot target an ISA per function).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Engine", dependencies: ["COpenBLAS", "CKernels", "Randomness"], swiftSettings: optimized),
        .target(name: "Imaging", dependencies: ["CLibPNG", "CLibGD"], swiftSettings: optimized),
        .target(name: "Checkpoint", swiftSettings: optimized),
        .target(name: "NN", dependencies: ["Engine", "Checkpoint"], swiftSettings: optimized),
        .target(name: "CourseAssets"),
        .target(name: "ImageTensors", dependencies: ["Engine", "Imaging"], swiftSettings: optimized),
        .target(name: "Models", dependencies: ["Engine", "NN", "Imaging", "ImageTensors", "CourseAssets"], swiftSettings: optimized),
        .target(name: "Datasets", dependencies: ["Engine", "NN", "Imaging", "ImageTensors", "Checkpoint", "Models", "CourseAssets",
                                                 "CZlib"], swiftSettings: optimized),
        .target(name: "Augmentations", dependencies: ["Engine", "NN", "Imaging", "ImageTensors"], swiftSettings: optimized),
        .target(name: "Attacks", dependencies: ["Engine", "NN", "Imaging", "ImageTensors", "Models", "Augmentations", "CourseAssets"], swiftSettings: optimized),
        /// Plots, charts and image grids drawn with libgd; Notebook re-exports it.
        .target(name: "Figures", dependencies: ["Imaging", "CLibGD"], swiftSettings: optimized),
        .target(name: "Notebook", dependencies: ["Figures", "Imaging",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")], exclude: ["README.md"],
                swiftSettings: optimized),
        /// The course's graded exercises as data, the list a lesson ends with (`book.gradedExercises()`), and what
        /// lessons share beyond the notebook (cached frozen features with progress, the `--dataset` option).
        .target(name: "Course", dependencies: ["Notebook", "Datasets", "Models", "NN", "Engine", "Imaging",
                                               .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        /// The umbrella a lesson imports: `import TransferLab` re-exports every library module.
        .target(name: "TransferLab", dependencies: ["Checkpoint", "Course", "Engine", "Imaging", "NN", "Notebook",
                                                    "Randomness", "ImageTensors", "CourseAssets", "Models", "Datasets",
                                                    "Augmentations", "Attacks",
                                                    .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // MARK: Programs
        .executableTarget(name: "lab", dependencies: [
            "Attacks", "Augmentations", "CourseAssets", "Datasets", "Models", "Notebook", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "bench", dependencies: [
            "COpenBLAS",
            "Engine", "NN", "Attacks", "Augmentations", "CourseAssets", "Datasets", "Models", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimized),
        .executableTarget(name: "gallery", dependencies: ["Notebook", "Imaging", "Randomness"]),

        // MARK: Lessons
    ] + lessons.map { .executableTarget(name: $0, dependencies: lessonDependencies, path: "Lessons/\($0)") } + [

        // MARK: Tests
        .testTarget(name: "EngineTests", dependencies: ["Engine"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint"], exclude: ["Fixtures"]),
        .testTarget(name: "NotebookTests", dependencies: [
            "Notebook", "Figures", "Imaging", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Engine"]),
        .testTarget(name: "VisionTests", dependencies: ["Attacks", "Augmentations", "Course", "CourseAssets", "Datasets",
                                                      "Models",
                                                      "NN", "Engine", "Imaging", "Checkpoint"]),
        .testTarget(name: "LessonTests", dependencies: ["Notebook", "Imaging", "Attacks", "Augmentations", "CourseAssets",
                                                      "Datasets", "Models"]),
    ],
    // Lessons and exercises are read by students: Swift 5 mode keeps strict-concurrency noise out of them.
    swiftLanguageModes: [.v5]
)

// MARK: Exercises and grader
// Students edit Exercises/lesson-NN (one module per lesson, so a mistake in one lesson never stops another
// from building); Solutions/lesson-NN hold the reference answers with the same API. The grader builds one
// check runner per lesson (grader-runner-NN) into its own scratch path and runs every check in a child
// process. TRANSFERLAB_EXERCISES (a directory inside the package) lets the grader and its tests compile the
// lessons from a copy, e.g. one in which a file that does not compile is swapped for its solution.
let exercisesDirectory = Context.environment["TRANSFERLAB_EXERCISES"] ?? "Exercises"
let gradedLessons = ["01", "02", "03", "04", "05", "06", "07"]
package.products.append(.executable(name: "grader", targets: ["grader"]))
package.targets.append(.target(name: "ExerciseSupport", path: "Exercises/Support"))
// Lab exercises drive the real library (the pretrained Lite0, real data), so every exercise module may import it.
for lesson in gradedLessons {
    package.targets.append(.target(name: "Exercises\(lesson)", dependencies: ["ExerciseSupport", "TransferLab"],
                                   path: "\(exercisesDirectory)/lesson-\(lesson)"))
    package.targets.append(.target(name: "Solutions\(lesson)", dependencies: ["ExerciseSupport", "TransferLab"],
                                   path: "Solutions/lesson-\(lesson)"))
    package.targets.append(.executableTarget(name: "grader-runner-\(lesson)",
                                             dependencies: [.target(name: "Exercises\(lesson)"), "GraderChecks"],
                                             path: "Sources/GraderRunners/lesson-\(lesson)"))
}
package.targets += [
    .target(name: "GraderChecks",
            dependencies: [.target(name: "ExerciseSupport"), "Randomness", "TransferLab"]
                + gradedLessons.map { .target(name: "Solutions\($0)") }),
    .executableTarget(name: "grader-runner-solutions", dependencies: ["GraderChecks"],
                      path: "Sources/GraderRunners/solutions"),
    .target(name: "GraderKit", dependencies: ["GraderChecks", "ExerciseSupport"]),
    .executableTarget(name: "grader", dependencies: [
        "GraderKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
    .testTarget(name: "GraderTests", dependencies: ["GraderKit", "GraderChecks", "ExerciseSupport", "TransferLab"]),
]
