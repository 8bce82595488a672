// Notebook — the literate runner.
//
// Job: a lesson's page: sections, prose, code cells that show their own source, listings of marked regions,
// number formats (`.percent(1)`, `.fixed(3)`), tables, figures drawn with libgd, metrics.json, the HTML report
// and progress bars. It may import Imaging and the libgd shim only: it knows nothing of tensors or models.
