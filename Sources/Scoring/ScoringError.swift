/// Errors in the rules files; each names the file and the place in it.
public enum ScoringError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not valid YAML, or a field has the wrong shape.
    case malformedRules(file: String, reason: String)
    /// A rule refers to a lexicon no file defines.
    case unknownLexicon(file: String, rule: String, lexicon: String)
    /// Two rules, or two lexicons, share one id.
    case duplicateID(file: String, id: String)
    /// The rules folder has no rules at all.
    case noRules

    public var description: String {
        switch self {
        case let .malformedRules(file, reason):
            "rules file \(file): \(reason)"
        case let .unknownLexicon(file, rule, lexicon):
            "rules file \(file): rule \(rule) refers to lexicon \(lexicon), which no rules file defines"
        case let .duplicateID(file, id):
            "rules file \(file): \(id) is defined more than once"
        case .noRules:
            "the rules folder defines no rules; wagewatch will not score with an empty rulebook"
        }
    }
}
