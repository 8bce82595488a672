// Notebook — the literate runner.
//
// Job: a lesson's page: sections, prose, code cells that show their own source, listings of marked regions,
// number formats (`.percent(1)`, `.fixed(3)`), tables, figures (drawn by the Figures module, which it re-exports),
// metrics.json, the HTML report and progress bars. It may import Figures and Imaging only: it knows nothing of
// tensors or models.

@_exported import Figures
