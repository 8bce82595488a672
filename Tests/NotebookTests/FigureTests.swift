import Foundation
import Imaging
@testable import Figures
import Notebook
import Testing

/// Euclidean distance between a pixel and a color.
private func distance(_ pixel: (red: Float, green: Float, blue: Float), _ color: Color) -> Double {
    let dr = Double(pixel.red) - color.red, dg = Double(pixel.green) - color.green, db = Double(pixel.blue) - color.blue
    return (dr * dr + dg * dg + db * db).squareRoot()
}

private func luminance(_ pixel: (red: Float, green: Float, blue: Float)) -> Double {
    0.2126 * Double(pixel.red) + 0.7152 * Double(pixel.green) + 0.0722 * Double(pixel.blue)
}

@Suite("Figures")
struct FigureTests {
    @Test("a plotted y = x line colors pixels along the plot's diagonal and nowhere else")
    func diagonalLine() throws {
        let plot = LinePlot(series: [LineSeries(name: "", x: [0, 1], y: [0, 1])], xRange: 0...1, yRange: 0...1)
        let (image, frame) = try plot.draw()
        let s = Canvas.defaultScale
        let x0 = frame.plot.minX * s, y0 = frame.plot.maxY * s, x1 = frame.plot.maxX * s, y1 = frame.plot.minY * s
        let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
        var onLine = 0, offLine = 0
        for y in Int(y1)..<Int(y0) {
            for x in Int(x0)..<Int(x1) where distance(image[x, y], Color.palette(0)) < 0.2 {
                // Distance from the pixel center to the diagonal, in output pixels.
                let d = abs((y1 - y0) * (Double(x) + 0.5 - x0) - (x1 - x0) * (Double(y) + 0.5 - y0)) / length
                if d <= 4 { onLine += 1 } else { offLine += 1 }
            }
        }
        #expect(Double(onLine) > length * 2, "the line should be about 4 pixels wide along its whole length")
        #expect(offLine == 0)
    }

    @Test("the longest bar belongs to the largest value")
    func longestBar() throws {
        let chart = BarChart(labels: ["a", "b", "c", "d"], values: [0.2, 0.9, 0.5, 0.05], xRange: 0...1)
        let (image, bars, scale) = try chart.draw()
        // Count bar-colored pixels along the middle row of each bar.
        let lengths = bars.map { bar in
            let y = Int(bar.midY * scale)
            return (0..<image.width).filter { distance(image[$0, y], chart.color) < 0.1 }.count
        }
        #expect(lengths.firstIndex(of: lengths.max()!) == 1)
        #expect(lengths[1] > lengths[2] && lengths[2] > lengths[0] && lengths[0] > lengths[3])
        // Proportional: 0.9 / 0.5 of the plot width, within a few pixels.
        #expect(abs(Double(lengths[1]) / Double(lengths[2]) - 1.8) < 0.05)
    }

    @Test("the feature-map color bar runs from dark at the bottom to light at the top")
    func colorBarDarkToLight() throws {
        let maps: [[Float]] = (0..<4).map { k in (0..<64).map { Float($0 * (k + 1)) } }
        let grid = FeatureMapGrid(maps: maps, height: 8, width: 8)
        let (image, bar, range, scale) = try grid.draw()
        #expect(range == 0...252)
        let x = Int(bar.midX * scale)
        let samples = stride(from: bar.maxY - 2, through: bar.minY + 2, by: -4).map {
            luminance(image[x, Int($0 * scale)])
        }
        #expect(samples.first! < 0.15, "bottom should be viridis' dark purple")
        #expect(samples.last! > 0.75, "top should be viridis' light yellow")
        for (lower, higher) in zip(samples, samples.dropFirst()) { #expect(higher >= lower - 0.01) }
        let bottom = image[x, Int((bar.maxY - 1) * scale)]
        #expect(distance(bottom, Colormap.viridis.color(at: 0)) < 0.05)
    }

    @Test("scatter points take their class's color")
    func scatterClassColors() throws {
        let x: [Double] = [0.1, 0.9, 0.5, 0.2, 0.8], y: [Double] = [0.1, 0.9, 0.5, 0.8, 0.2]
        let classes = [0, 1, 0, 1, 2]
        var plot = ScatterPlot(x: x, y: y, classes: classes, classNames: ["zero", "one", "two"])
        plot.xRange = 0...1
        plot.yRange = 0...1
        let (image, frame, scale) = try plot.draw()
        for i in x.indices {
            let p = frame.point(x[i], y[i])
            let pixel = image[Int(p.x * scale), Int(p.y * scale)]
            #expect(distance(pixel, Color.palette(classes[i])) < 0.05, "point \(i) of class \(classes[i])")
        }
    }

    @Test("viridis starts dark purple and ends light yellow, like matplotlib's table")
    func viridisEnds() {
        let start = Colormap.viridis.color(at: 0), middle = Colormap.viridis.color(at: 0.5)
        let end = Colormap.viridis.color(at: 1)
        #expect(
            abs(start.red - 0.267004) < 0.004 && abs(start.green - 0.004874) < 0.004
                && abs(start.blue - 0.329415) < 0.004)
        #expect(abs(middle.red - 0.127568) < 0.004 && abs(middle.green - 0.566949) < 0.004)
        #expect(
            abs(end.red - 0.993248) < 0.004 && abs(end.green - 0.906157) < 0.004 && abs(end.blue - 0.143936) < 0.004)
        let lightness = stride(from: 0.0, through: 1.0, by: 0.05).map { Colormap.viridis.color(at: $0).luminance }
        #expect(zip(lightness, lightness.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("axis ticks step by 1, 2 or 5 times a power of ten")
    func niceTicks() {
        #expect(Axis.niceStep(for: 0.43) == 0.5)
        #expect(Axis.niceStep(for: 1.2) == 2)
        #expect(Axis.niceStep(for: 30) == 50)
        let axis = Axis.fitting([0, 1], scale: .linear, fixed: 0...1, format: .percent(decimals: 1))
        #expect(axis.ticks.count == 6)
        #expect(axis.labels == ["0%", "20%", "40%", "60%", "80%", "100%"])
        let log = Axis.fitting([2.5e6, 198e6], scale: .logarithmic)
        #expect(log.labels.contains("10M") && log.labels.contains("100M"))
        let doublings = Axis.fitting([1, 2, 4, 8], scale: .logarithmic)
        #expect(doublings.ticks == [1, 2, 4, 8])
        #expect(Axis.fitting([1, 3, 8], scale: .logarithmic).ticks == [1, 2, 5])
        #expect(NumberFormat.automatic.string(-0.5, step: 0.5) == "−0.5")
    }

    @Test("bad data is reported, not drawn")
    func invalidData() {
        #expect(throws: FigureError.self) {
            try LinePlot(series: [LineSeries(name: "a", x: [1, 2], y: [1])]).render()
        }
        #expect(throws: FigureError.self) { try FeatureMapGrid(maps: [[1, 2, 3]], height: 2, width: 2).render() }
        #expect(throws: FigureError.self) { try BarChart(labels: ["a"], values: [1, 2]).render() }
    }

    @Test("figures are written as PNG files")
    func pngFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "notebook-\(UUID().uuidString)/bars.png")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try BarChart(labels: ["a", "b"], values: [1, 2]).writePNG(to: url)
        let data = try Data(contentsOf: url)
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}
