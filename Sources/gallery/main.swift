import Foundation
import Notebook

var loss: [Double] = [], val: [Double] = []
struct R { var s: UInt64 = 1; mutating func next() -> Double { s = s &* 6364136223846793005 &+ 1442695040888963407; return Double(s >> 11) / Double(1 << 53) - 0.5 } }
var r = R()
@MainActor func noise() -> Double { r.next() }
for e in 0..<30 { let t = Double(e); loss.append(2.3 * exp(-t / 6) + 0.15 + 0.05 * noise()); val.append(2.3 * exp(-t / 7) + 0.3 + 0.002 * t * t / 3 + 0.08 * noise()) }
let plot = LinePlot(title: "Training a new head on frozen features", xLabel: "epoch", yLabel: "cross-entropy loss",
                    series: [LineSeries(name: "train", values: loss), LineSeries(name: "validation", values: val, dashed: true)],
                    markers: [VerticalMarker(x: 12, label: "best epoch")])
try plot.writePNG(to: URL(fileURLWithPath: "Output/gallery/line.png"))
