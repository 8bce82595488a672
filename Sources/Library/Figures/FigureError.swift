/// Why a figure could not be drawn or written.
public enum FigureError: Error, CustomStringConvertible, Equatable {
    /// No TrueType font was found in any of the `searched` places.
    case fontNotFound(searched: [String])
    /// The data handed to a figure does not fit it, e.g. x and y of different lengths.
    case invalidData(figure: String, reason: String)
    /// libgd refused to allocate or draw (out of memory, broken font file, ...).
    case drawingFailed(reason: String)
    /// The PNG could not be written to `path`.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .fontNotFound(let searched):
            return
                "no TrueType font for figure text (looked for DejaVuSans.ttf in \(searched.joined(separator: ", ")));"
                + " install the Debian package fonts-dejavu-core or set TRANSFERLAB_FONT_DIR"
        case .invalidData(let figure, let reason):
            return "\(figure): \(reason)"
        case .drawingFailed(let reason):
            return "could not draw figure: \(reason)"
        case .cannotWrite(let path, let reason):
            return "\(path): cannot write PNG: \(reason)"
        }
    }
}
