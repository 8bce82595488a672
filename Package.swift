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
        .systemLibrary(name: "COpenBLAS", path: "Sources/CLibraries/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CLibPNG", path: "Sources/CLibraries/CLibPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        // gdlib's pkg-config cflags carry a define SwiftPM rejects; gd.h is on the default include path.
        .systemLibrary(name: "CLibGD", path: "Sources/CLibraries/CLibGD",
                       providers: [.apt(["libgd-dev"]), .brew(["gd"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CLibraries/CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

        // MARK: The teaching engine
        .target(name: "Randomness", path: "Sources/Library/Randomness"),
        /// The hottest loops in C for AVX2 + FMA, chosen at run time (Swift cannot target an ISA per function).
        .target(name: "CKernels", path: "Sources/CLibraries/CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Engine", dependencies: ["COpenBLAS", "CKernels", "Randomness"], path: "Sources/Library/Engine", swiftSettings: optimized),
        .target(name: "Imaging", dependencies: ["CLibPNG", "CLibGD"], path: "Sources/Library/Imaging", swiftSettings: optimized),
        .target(name: "Checkpoint", path: "Sources/Library/Checkpoint", swiftSettings: optimized),
        .target(name: "NN", dependencies: ["Engine", "Checkpoint"], path: "Sources/Library/NN", swiftSettings: optimized),
        .target(name: "CourseAssets", path: "Sources/Library/CourseAssets"),
        .target(name: "ImageTensors", dependencies: ["Engine", "Imaging"], path: "Sources/Library/ImageTensors", swiftSettings: optimized),
        .target(name: "Models", dependencies: ["Engine", "NN", "Imaging", "ImageTensors", "CourseAssets"], path: "Sources/Library/Models", swiftSettings: optimized),
        .target(name: "Datasets", dependencies: ["Engine", "NN", "Imaging", "Checkpoint", "Models", "CourseAssets",
                                                 "CZlib"], path: "Sources/Library/Datasets", swiftSettings: optimized),
        .target(name: "Augmentations", dependencies: ["Engine", "NN", "Imaging", "ImageTensors"], path: "Sources/Library/Augmentations", swiftSettings: optimized),
        .target(name: "Attacks", dependencies: ["Engine", "NN", "Imaging", "ImageTensors", "Models", "Augmentations", "CourseAssets"], path: "Sources/Library/Attacks", swiftSettings: optimized),
        /// Plots, charts and image grids drawn with libgd; Notebook re-exports it.
        .target(name: "Figures", dependencies: ["Imaging", "CLibGD"], path: "Sources/Library/Figures", swiftSettings: optimized),
        .target(name: "Notebook", dependencies: ["Figures", "Imaging",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Sources/Library/Notebook", exclude: ["README.md"],
                swiftSettings: optimized),
        /// The course's graded exercises as data, the list a lesson ends with (`book.gradedExercises()`), and what
        /// lessons share beyond the notebook (cached frozen features with progress, the `--dataset` option).
        .target(name: "Course", dependencies: ["Notebook", "Datasets", "Models", "NN", "Engine", "Imaging",
                                               .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Sources/Library/Course"),
        /// The umbrella a lesson imports: `import TransferLab` re-exports every library module.
        .target(name: "TransferLab", dependencies: ["Checkpoint", "Course", "Engine", "Imaging", "NN", "Notebook",
                                                    "Randomness", "ImageTensors", "CourseAssets", "Models", "Datasets",
                                                    "Augmentations", "Attacks",
                                                    .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Sources/Library/TransferLab"),

        // MARK: Programs
        .executableTarget(name: "lab", dependencies: [
            "Attacks", "Augmentations", "Checkpoint", "CourseAssets", "Datasets", "Engine", "Imaging", "Models", "NN",
            "Notebook", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/Tools/lab"),
        .executableTarget(name: "bench", dependencies: [
            "Engine", "NN", "Attacks", "Augmentations", "CourseAssets", "Datasets", "Models",
        ], path: "Sources/Tools/bench", swiftSettings: optimized),
        .executableTarget(name: "gallery", dependencies: ["Notebook", "Imaging", "Randomness"], path: "Sources/Tools/gallery"),

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
                                                      "NN", "Engine", "Imaging"]),
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
// Lab exercises drive the real library (the pretrained Lite0, real data); lesson 7's student network is plain Swift.
let lessonsOnTheLibrary: Set = ["01", "02", "03", "04", "05", "06"]
for lesson in gradedLessons {
    let library: [Target.Dependency] = lessonsOnTheLibrary.contains(lesson) ? ["TransferLab"] : []
    package.targets.append(.target(name: "Exercises\(lesson)", dependencies: ["ExerciseSupport"] + library,
                                   path: "\(exercisesDirectory)/lesson-\(lesson)"))
    package.targets.append(.target(name: "Solutions\(lesson)", dependencies: ["ExerciseSupport"] + library,
                                   path: "Solutions/lesson-\(lesson)"))
    package.targets.append(.executableTarget(name: "grader-runner-\(lesson)",
                                             dependencies: [.target(name: "Exercises\(lesson)"), "GraderChecks"],
                                             path: "Sources/Grader/GraderRunners/lesson-\(lesson)"))
}
package.targets += [
    .target(name: "GraderChecks",
            dependencies: [.target(name: "ExerciseSupport"), "Randomness", "TransferLab"]
                + gradedLessons.map { .target(name: "Solutions\($0)") }, path: "Sources/Grader/GraderChecks"),
    .executableTarget(name: "grader-runner-solutions", dependencies: ["GraderChecks"],
                      path: "Sources/Grader/GraderRunners/solutions"),
    .target(name: "GraderKit", dependencies: ["GraderChecks", "ExerciseSupport"], path: "Sources/Grader/GraderKit"),
    .executableTarget(name: "grader", dependencies: [
        "GraderChecks", "GraderKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ], path: "Sources/Grader/grader"),
    .testTarget(name: "GraderTests", dependencies: ["GraderKit", "GraderChecks", "ExerciseSupport", "TransferLab"]),
]
