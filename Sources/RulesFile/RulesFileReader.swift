import Yams

/// Reads one rules file as a YAML node tree, so every error can name its line and column.
public struct RulesFileReader {
    public let file: String

    public init(file: String) {
        self.file = file
    }

    /// The root node of `text`; YAML syntax errors carry their own position.
    public func root(of text: String) throws(RulesError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error)
        } catch {
            throw .invalid(file: file, line: nil, column: nil, reason: "\(error)")
        }
    }

    private func yamlError(_ error: YamlError) -> RulesError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return .invalid(file: file, line: mark.line, column: mark.column, reason: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .invalid(
                file: file, line: context.mark.line, column: context.mark.column,
                reason: "a key appears twice in one mapping: \(duplicates.joined(separator: ", "))")
        default:
            return .invalid(file: file, line: nil, column: nil, reason: "not valid YAML: \(error)")
        }
    }

    public func failure(_ node: Node?, _ reason: String) -> RulesError {
        .invalid(file: file, line: node?.mark?.line, column: node?.mark?.column, reason: reason)
    }

    /// The pairs of a mapping, refusing keys outside `allowed`.
    public func mapping(_ node: Node, _ what: String, allowed: [String]) throws(RulesError) -> [(key: String, node: Node, keyNode: Node)] {
        guard let mapping = node.mapping else { throw failure(node, "\(what) must be a mapping (key: value)") }
        var pairs: [(key: String, node: Node, keyNode: Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else { throw failure(keyNode, "\(what): keys must be plain words") }
            guard allowed.isEmpty || allowed.contains(key) else {
                throw failure(keyNode, "\(what): unknown field \(key); expected one of \(allowed.joined(separator: ", "))")
            }
            pairs.append((key, value, keyNode))
        }
        return pairs
    }

    public func string(_ node: Node, _ what: String) throws(RulesError) -> String {
        guard let scalar = node.scalar else { throw failure(node, "\(what) must be a single value") }
        return scalar.string
    }

    /// A list of strings; a single value counts as a list of one.
    public func strings(_ node: Node, _ what: String) throws(RulesError) -> [String] {
        if let scalar = node.scalar { return [scalar.string] }
        guard let sequence = node.sequence else { throw failure(node, "\(what) must be a list") }
        var values: [String] = []
        for element in sequence {
            values.append(try string(element, "each entry of \(what)"))
        }
        return values
    }

    /// A number of the rules files: finite and within ±`maxMagnitude` (a weight of 1e400
    /// would make every score infinite, and every register after it).
    public func number(_ node: Node, _ what: String) throws(RulesError) -> Double {
        guard let text = node.scalar?.string, let value = Double(text) else {
            throw failure(node, "\(what) must be a number")
        }
        guard value.isFinite, abs(value) <= Self.maxMagnitude else {
            throw failure(node, "\(what) must be a number between -\(Int(Self.maxMagnitude)) and \(Int(Self.maxMagnitude)), not \(text)")
        }
        return value
    }

    static let maxMagnitude = 1_000_000.0

    public func integer(_ node: Node, _ what: String) throws(RulesError) -> Int {
        guard let text = node.scalar?.string, let value = Int(text) else {
            throw failure(node, "\(what) must be a whole number")
        }
        return value
    }

    public func bool(_ node: Node, _ what: String) throws(RulesError) -> Bool {
        guard let text = node.scalar?.string, let value = Bool(text) else {
            throw failure(node, "\(what) must be true or false")
        }
        return value
    }

    public func sequence(_ node: Node, _ what: String) throws(RulesError) -> [Node] {
        guard let sequence = node.sequence else { throw failure(node, "\(what) must be a list") }
        return Array(sequence)
    }
}
