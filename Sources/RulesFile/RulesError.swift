/// Errors in the rules files; each names the file and, where it can, the line and column.
public enum RulesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Something in a rules file is wrong: bad YAML, a field of the wrong shape,
    /// an unknown field or lexicon, a regular expression that does not compile.
    case invalid(file: String, line: Int?, column: Int?, reason: String)
    /// The rules folder has no rules at all.
    case noRules

    public var description: String { described(as: "rules file") }

    /// The error, saying what kind of file it is in (`rules file`, `province file`).
    public func described(as kind: String) -> String {
        switch self {
        case .invalid(let file, let line, let column, let reason):
            let place = [line.map { ":\($0)" }, column.map { ":\($0)" }].compactMap { $0 }.joined()
            return "\(kind) \(file)\(place): \(reason)"
        case .noRules:
            return "the rules folder defines no rules; wagewatch will not score with an empty rulebook"
        }
    }
}
