// Figures — plots and pictures as values.
//
// Job: `LinePlot`, `BarChart`, `ScatterPlot`, `ImageGrid`, `Comparison`, `FeatureMapGrid`, `Heatmap` and `ColorBar`
// draw themselves into an `Image` (`render()`) and a PNG file; all libgd drawing goes through `Canvas`
// (supersampled, antialiased, DejaVu Sans text). It may import Imaging and the libgd shim only: it knows nothing
// of tensors, models or the page a figure ends up on. `Notebook` re-exports it.
