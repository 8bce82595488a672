// The figure gallery: one of every figure kind, drawn from synthetic but realistic data.
// `swift run gallery` writes Output/gallery/*.png and Output/gallery/index.html; it is both the visual test of the
// plotting code and its documentation, since every cell shows the call that made the figure beside it.
import Foundation
import Imaging
import Notebook
import Randomness

let book = Notebook(name: "gallery", title: "Figure gallery")
var generator = SeededGenerator(seed: book.seed)

book.prose(
    """
    Every figure kind the lessons use, drawn from synthetic data with a fixed seed. Each figure is a value \
    (`LinePlot`, `BarChart`, …) whose `render()` returns an `Image`; `book.figure(_:name:caption:)` writes it as a \
    PNG next to this page. Colors follow matplotlib's *tab10* palette and *viridis* color map.
    """)

// MARK: - Curves

book.section("Line plot: training curves")
book.prose(
    """
    Loss per epoch for the training and validation sets. A dashed line of the same color family marks the \
    validation curve, and a vertical marker shows where the validation loss was lowest.
    """)
let curves = trainingCurves(epochs: book.isQuick ? 12 : 30, using: &generator)
let best = curves.validationLoss.indices.min { curves.validationLoss[$0] < curves.validationLoss[$1] }!
book.cell {
    let plot = LinePlot(
        title: "Training a new head on frozen features", xLabel: "epoch", yLabel: "cross-entropy loss",
        series: [
            LineSeries(name: "train", values: curves.trainLoss),
            LineSeries(name: "validation", values: curves.validationLoss, dashed: true),
        ],
        markers: [VerticalMarker(x: Double(best + 1), label: "best epoch \(best + 1)")])
    book.figure(
        plot, name: "loss-curves", caption: "Training and validation loss; validation is lowest at epoch \(best + 1).")
}
book.metric("best_epoch", best + 1)
book.metric("validation_loss", curves.validationLoss)

book.prose("Accuracy reads best as a percentage on a fixed 0–100% axis, with markers on each epoch.")
book.cell {
    let accuracy = LinePlot(
        title: "Accuracy", xLabel: "epoch", yLabel: "accuracy",
        series: [
            LineSeries(name: "train", values: curves.trainAccuracy, markers: true),
            LineSeries(name: "validation", values: curves.validationAccuracy, markers: true),
        ],
        yRange: 0...1, yFormat: .percent(decimals: 0))
    book.figure(accuracy, name: "accuracy-curves", caption: "Accuracy per epoch.")
}

// MARK: - Bars

book.section("Bar chart: top-5 classes")
book.prose(
    "The five most probable ImageNet classes for a photo, most probable on top, probabilities written at the bar ends.")
book.cell {
    let chart = BarChart(
        title: "chelsea.png — top-5", labels: ["tabby", "tiger cat", "Egyptian cat", "lynx", "remote control"],
        values: [0.532, 0.213, 0.141, 0.018, 0.007], valueFormat: .percent(decimals: 1), xRange: 0...1,
        highlighted: [0])
    book.figure(chart, name: "top5-bars", caption: "Top-5 probabilities; the true class is highlighted.")
}
book.metric("top1_probability", 0.532)

// MARK: - Scatter

book.section("Scatter plot: embeddings and model sizes")
book.prose("A 2-D projection of image embeddings, colored by class.")
let points = clusters(classes: 4, perClass: book.isQuick ? 25 : 60, using: &generator)
book.cell {
    let scatter = ScatterPlot(
        title: "PCA of pooled embeddings", xLabel: "first principal component",
        yLabel: "second principal component", x: points.x, y: points.y,
        classes: points.labels, classNames: ["T-shirt", "trouser", "sneaker", "bag"])
    book.figure(scatter, name: "embeddings-scatter", caption: "Embeddings form one cluster per class.")
}
book.prose("With a logarithmic axis and labelled points, the same figure compares model families.")
book.cell {
    let families = ScatterGroup(
        name: "ImageNet top-1", x: [2.5e6, 5.4e6, 5.3e6, 25.6e6, 54e6, 138e6, 198e6],
        y: [0.677, 0.756, 0.771, 0.804, 0.851, 0.715, 0.866],
        pointLabels: [
            "MobileNetV3-S", "MobileNetV3-L", "EfficientNet-B0", "ResNet50", "EfficientNetV2-M", "VGG16",
            "ConvNeXt-L",
        ])
    let plot = ScatterPlot(
        title: "Accuracy against size", xLabel: "parameters", yLabel: "ImageNet top-1 accuracy",
        groups: [families], xScale: .logarithmic, yFormat: .percent(decimals: 0))
    book.figure(plot, name: "accuracy-vs-size", caption: "Bigger is not always better: accuracy against parameters.")
}

// MARK: - Pictures

book.section("Image grid and comparison")
let photo = syntheticPhoto(size: 160)
book.cell {
    let grid = ImageGrid(
        title: "Augmentations of one picture",
        images: [
            photo, Augment.flipped(photo), Augment.rotated(photo, degrees: 15),
            Augment.zoomed(photo, by: 1.4),
            Augment.adjusted(photo, brightness: 0.12, contrast: 1.3),
            Augment.cutout(photo, x: 60, y: 70, size: 48),
        ],
        captions: [
            "original", "horizontal flip", "rotate 15°", "zoom 1.4×", "brightness\ncontrast",
            "cutout",
        ], columns: 3)
    book.figure(grid, name: "augmentations", caption: "Each augmentation keeps the label and changes the pixels.")
}
book.prose("A comparison puts pictures side by side with operators between them, as in an adversarial attack.")
book.cell {
    let epsilon: Float = 8 / 255
    let delta = perturbation(size: 160, epsilon: epsilon, using: &generator)
    let amplified = Image(width: 160, height: 160, pixels: delta.map { 0.5 + $0 / epsilon * 0.5 })
    let attacked = Image(width: 160, height: 160, pixels: zip(photo.pixels, delta).map { min(max($0 + $1, 0), 1) })
    let comparison = ImageComparison(
        title: "FGSM with ε = 8/255",
        images: [photo, amplified, attacked],
        captions: ["original\nvalley 91.2%", "perturbation\nshown ×16", "adversarial\nvolcano 84.0%"],
        separators: ["+", "="])
    book.figure(comparison, name: "attack-comparison", caption: "An imperceptible change flips the prediction.")
}

// MARK: - Maps

book.section("Feature maps and heatmap")
book.prose(
    """
    Sixteen channels of a convolutional layer on one shared color scale, with a color bar from dark (low) to \
    light (high).
    """
)
let maps = featureMaps(count: 16, size: 28, using: &generator)
book.cell {
    let grid = FeatureMapGrid(
        title: "Block 2 activations, channels 0–15", maps: maps, height: 28, width: 28,
        captions: (0..<16).map { "channel \($0)" })
    book.figure(grid, name: "feature-maps", caption: "Activations after ReLU, viridis color map.")
}
book.prose("A confusion matrix: rows are the true classes, columns the predictions, and each cell counts images.")
let matrix = confusionMatrix(using: &generator)
book.cell {
    let names = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]
    let heatmap = Heatmap(
        title: "Confusion matrix (Fashion-MNIST, 100 test images per class)", values: matrix,
        rowLabels: names, columnLabels: names, xLabel: "predicted class", yLabel: "true class")
    book.figure(heatmap, name: "confusion-matrix", caption: "Most mistakes are between similar classes.")
}
let accuracy = (0..<10).reduce(0.0) { $0 + matrix[$1][$1] } / 1000
book.prose("The diagonal holds \(String(format: "%.1f", accuracy * 100))% of the images: that is the accuracy.")
book.metric("accuracy", accuracy)

// MARK: - Tables and progress

book.section("Tables and progress")
book.table(
    headers: ["model", "parameters", "size", "top-1"],
    rows: [
        ["MobileNetV3-Small", "2.5M", "10 MB", "67.7%"], ["EfficientNet-B0", "5.3M", "20 MB", "77.1%"],
        ["ResNet50", "25.6M", "98 MB", "80.4%"], ["VGG16", "138M", "528 MB", "71.5%"],
    ],
    caption: "Published ImageNet results")
book.cell {
    var total = 0.0
    for step in book.progress(0..<200, label: "simulated steps") {
        total += sin(Double(step))
        usleep(2_000)
    }
    print("sum of sines:", String(format: "%.4f", total))
}
book.summary([
    "Figures are values with a `render()` that returns an `Image`.",
    "`book.figure` writes the PNG beside the page and says where in the terminal.",
])
book.finish()
