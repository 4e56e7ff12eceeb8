/// Finds every occurrence of many patterns in one pass (Aho-Corasick over Unicode scalars).
///
/// Build it once per set of patterns and reuse it for every text. Matches may
/// overlap; each is reported with its pattern index and scalar offsets.
public struct PatternMatcher: Sendable {
    /// One occurrence of a pattern in a text.
    public struct Match: Hashable, Sendable {
        public var pattern: Int
        /// Offset of the first scalar, counted in Unicode scalars.
        public var start: Int
        /// Offset one past the last scalar.
        public var end: Int

        public init(pattern: Int, start: Int, end: Int) {
            self.pattern = pattern
            self.start = start
            self.end = end
        }
    }

    private struct Node: Sendable {
        var next: [UInt32: Int32] = [:]
        var failure: Int32 = 0
        /// Patterns that end here.
        var outputs: [Int32] = []
        /// The nearest node along the failure chain that has outputs, or -1.
        var dictionaryLink: Int32 = -1
    }

    private var nodes: [Node] = [Node()]
    private var lengths: [Int] = []

    /// The number of patterns.
    public var count: Int { lengths.count }

    /// Builds the automaton. Patterns are used as given: normalize them first.
    /// - Complexity: O(total pattern length) time and space.
    public init(patterns: [String]) {
        for (index, pattern) in patterns.enumerated() {
            var state: Int32 = 0
            var length = 0
            for scalar in pattern.unicodeScalars {
                length += 1
                if let next = nodes[Int(state)].next[scalar.value] {
                    state = next
                } else {
                    nodes.append(Node())
                    let created = Int32(nodes.count - 1)
                    nodes[Int(state)].next[scalar.value] = created
                    state = created
                }
            }
            lengths.append(length)
            if length > 0 { nodes[Int(state)].outputs.append(Int32(index)) }
        }
        // Breadth-first: failure links of shallower nodes are set before deeper ones need them.
        var queue: [Int32] = nodes[0].next.values.sorted()
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            for (scalar, child) in nodes[Int(current)].next.sorted(by: { $0.key < $1.key }) {
                queue.append(child)
                var fallback = nodes[Int(current)].failure
                while fallback != 0 && nodes[Int(fallback)].next[scalar] == nil {
                    fallback = nodes[Int(fallback)].failure
                }
                let target = current == 0 ? 0 : (nodes[Int(fallback)].next[scalar] ?? 0)
                nodes[Int(child)].failure = target
                nodes[Int(child)].dictionaryLink = nodes[Int(target)].outputs.isEmpty
                    ? nodes[Int(target)].dictionaryLink : target
            }
        }
    }

    /// All occurrences of all patterns in `text`, in order of their end offset.
    /// - Complexity: O(n + m) for a text of n scalars with m matches.
    public func matches(in text: String) -> [Match] {
        var found: [Match] = []
        var state: Int32 = 0
        var offset = 0
        for scalar in text.unicodeScalars {
            offset += 1
            while true {
                if let next = nodes[Int(state)].next[scalar.value] {
                    state = next
                    break
                }
                if state == 0 { break }
                state = nodes[Int(state)].failure
            }
            var output = nodes[Int(state)].outputs.isEmpty ? nodes[Int(state)].dictionaryLink : state
            while output >= 0 {
                for pattern in nodes[Int(output)].outputs {
                    let length = lengths[Int(pattern)]
                    found.append(Match(pattern: Int(pattern), start: offset - length, end: offset))
                }
                output = nodes[Int(output)].dictionaryLink
            }
        }
        return found
    }
}
