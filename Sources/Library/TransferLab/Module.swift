// TransferLab — the one module a lesson imports.
//
// Job: re-export the library's modules so that a lesson (or a student's program) starts with a single
// `import TransferLab`. It defines nothing of its own; it may import every library module, and no library
// module may import it.

@_exported import Checkpoint
@_exported import Course
@_exported import Engine
@_exported import Imaging
@_exported import NN
@_exported import Notebook
@_exported import Randomness
@_exported import ImageTensors
@_exported import CourseAssets
@_exported import Models
@_exported import Datasets
@_exported import Augmentations
@_exported import Attacks
// swift-argument-parser, so a lesson can declare typed options (`Notebook.start(lesson:title:options:)`).
@_exported import ArgumentParser
