import ExerciseSupport

/// Lesson 07 · Residual block
///
/// The forward pass of a residual block on one vector (the dense version of the lesson's convolutional
/// block). Matrices are lists of rows: `first[j]` holds the weights of output j, so (W·x)[j] = Σ first[j][i]·x[i].
///   main     = second · relu(first · x)
///   shortcut = projection · x  when a projection is given (the shapes differ), otherwise x itself
///   output   = relu(main + shortcut)
///
/// Example: x = [1, -2], first = [[1, 0], [0, 1]], second = [[1, 1]], projection = [[1, 1]]:
/// relu(first·x) = [1, 0], main = [1], shortcut = [-1], output = relu([0]) = [0].
///
/// - Parameters:
///   - x: the input, n values.
///   - first: h rows of n weights.
///   - second: m rows of h weights.
///   - projection: m rows of n weights, or nil when m == n (the identity shortcut).
/// - Returns: m values, none negative.
public func residualBlock(_ x: [Float], first: [[Float]], second: [[Float]], projection: [[Float]]?) -> [Float] {
    func times(_ matrix: [[Float]], _ vector: [Float]) -> [Float] {
        matrix.map { row in zip(row, vector).reduce(0) { $0 + $1.0 * $1.1 } }
    }
    let hidden = times(first, x).map { max($0, 0) }
    let main = times(second, hidden)
    let shortcut = projection.map { times($0, x) } ?? x
    return zip(main, shortcut).map { max($0 + $1, 0) }
}
