// Lesson 7 — Advanced techniques.
// Models as graphs (several inputs and outputs, skip connections), a residual network against a plain one, with
// and without BatchNorm; knowledge distillation from the pretrained Lite0; weight averaging; gradient
// accumulation; what float16 and bfloat16 keep; test-time augmentation and ensembles; a debugging checklist.
import TransferLab
import Foundation

let book = Notebook(lesson: 7, title: "Advanced techniques")
let quick = book.isQuick
let (perClass, epochs, studentEpochs) = quick ? (5, 3, 4) : (20, 24, 40)

book.prose("""
    The last lesson collects the techniques that sit around a network rather than inside one: building models \
    that are graphs, training them better (BatchNorm, distillation, weight averaging, bigger effective batches) \
    and checking them (precision, test-time tricks, a debugging checklist). Everything runs on few-shot \
    Fashion-MNIST: \(perClass) training pictures per class, 28×28 gray.
    """)
let (training, testing) = book.cell { (try FashionMNIST.load(.training), try FashionMNIST.load(.test)) }
book.prose("""
    The validation pictures are drawn from what the training sample left, so the two never overlap; the test \
    pictures come from the official test file.
    """)
let (chosen, held, tested) = book.cell { () -> ([Int], [Int], [Int]) in
    let chosen = balancedSample(labels: training.labels, perClass: perClass, seed: book.seed)
    let unused = Array(Set(training.labels.indices).subtracting(chosen)).sorted()
    let held = balancedSample(labels: training.labels, perClass: quick ? 5 : 10, from: unused, seed: book.seed + 1)
    let tested = balancedSample(labels: testing.labels, perClass: quick ? 20 : 50, seed: book.seed + 2)
    print("pictures: \(chosen.count) training, \(held.count) validation, \(tested.count) test")
    return (chosen, held, tested)
}
let (train, validation, test) = (training.nativeTensors(at: chosen), training.nativeTensors(at: held),
                                 testing.nativeTensors(at: tested))

let runs = graphsAndResidualNetworks()
let (teacher, student) = distillationAndAccumulation()
precisionEnsemblesAndDebugging(teacher: teacher, student: student, runs: runs)

book.summary([
    "A graph model takes several inputs and gives several outputs; each output's loss gets a weight.",
    "Residual blocks add their input back (through a projection when shapes change); BatchNorm speeds convergence.",
    "Distillation trains a small student on a large teacher's softened probabilities, scaled by T².",
    "SWA averages the last epochs' weights and recomputes BatchNorm statistics; accumulation equals a bigger batch.",
    "float16 loses range (hence loss scaling and float32 softmax), bfloat16 loses precision.",
    "Check the data, overfit one batch, watch gradient norms and read the summary before training for long.",
])
book.exercises(["Exercises/lesson-07: the distillation loss, a residual block's forward pass, SWA's running "
                    + "average and gradient accumulation (`swift run grader lesson-07`).",
                "Give the student unlabelled pictures labelled by the teacher only: does distillation help more?"])
book.gradedExercises()
book.finish()
