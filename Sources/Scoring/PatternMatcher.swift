/// Finds every occurrence of many patterns in one pass: an Aho-Corasick automaton
/// over Unicode scalars, in contiguous arrays.
///
/// Scalars are first mapped to dense classes (only the scalars that occur in
/// some pattern get one; every other scalar sends the automaton back to the
/// root at once). Each state's edges sit side by side, sorted by class; the
/// root has a dense table. Built once per set of patterns and shared by every
/// scan; a scan allocates nothing per character.
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

    struct Output: Sendable {
        var pattern: Int32
        var length: Int32
        var link: Int32
    }

    /// What a scan reads of a state, side by side so that one cache line holds it.
    @usableFromInline
    struct State: Sendable {
        /// The state's edges are `edgeStart ..< edgeEnd` in the edge arrays.
        var edgeStart: Int32
        var edgeEnd: Int32
        var failure: Int32
        /// The first state on the failure chain (itself included) where a pattern ends, or -1.
        var emitter: Int32
    }

    private let bmpClasses: [UInt16]
    private let astralClasses: [UInt32: UInt16]
    private let rootNext: [Int32]
    private let states: [State]
    private let edgeLabel: [UInt16]
    private let edgeTarget: [Int32]
    /// Per state: the pattern that ends there (-1 for none), its length, and the
    /// nearest state along the failure chain where another pattern ends (-1 for none).
    private let outputs: [Output]
    private let patternCount: Int
    private static let emits = Int32(bitPattern: 0x8000_0000)
    /// For patterns given more than once: every index of the same text.
    private let duplicates: [Int32: [Int32]]

    /// The number of patterns.
    public var count: Int { patternCount }

    /// The number of automaton states, for sizing and benchmarks.
    public var stateCount: Int { states.count }

    /// Builds the automaton. Patterns are used as given: normalize them first.
    /// Empty patterns never match.
    /// - Complexity: O(L log P) time for P patterns of total length L, O(L) space.
    public init(patterns: [String]) {
        self.init(scalarPatterns: patterns.map { $0.unicodeScalars.map(\.value) })
    }

    /// Builds the automaton from patterns given as scalar values.
    public init(scalarPatterns patterns: [[UInt32]]) {
        // Dense classes, in scalar order, so that sorting by class sorts by text.
        var distinct = Set<UInt32>()
        for pattern in patterns { distinct.formUnion(pattern) }
        let ordered = distinct.sorted()
        precondition(ordered.count < Int(UInt16.max), "too many distinct characters in the patterns")
        var bmp = [UInt16](repeating: 0, count: 0x10000)
        var astral: [UInt32: UInt16] = [:]
        for (index, scalar) in ordered.enumerated() {
            let label = UInt16(index + 1)
            if scalar < 0x10000 { bmp[Int(scalar)] = label } else { astral[scalar] = label }
        }
        func label(_ scalar: UInt32) -> UInt16 {
            scalar < 0x10000 ? bmp[Int(scalar)] : astral[scalar]!
        }
        let classPatterns = patterns.map { $0.map(label) }
        let order = classPatterns.indices.sorted { classPatterns[$0].lexicographicallyPrecedes(classPatterns[$1]) }

        // Trie by insertion in sorted order: a pattern shares the path of the previous
        // one up to their common prefix, and each node's children are created in label order.
        var parent: [Int32] = [-1]
        var nodeLabel: [UInt16] = [0]
        var depth: [Int32] = [0]
        var output: [Int32] = [-1]
        var duplicates: [Int32: [Int32]] = [:]
        var path: [Int32] = [0]
        var previous: [UInt16] = []
        for patternIndex in order {
            let pattern = classPatterns[patternIndex]
            guard !pattern.isEmpty else { continue }
            var common = 0
            while common < pattern.count, common < previous.count, pattern[common] == previous[common] {
                common += 1
            }
            path.removeSubrange((common + 1)...)
            for position in common..<pattern.count {
                parent.append(path[position])
                nodeLabel.append(pattern[position])
                depth.append(Int32(position + 1))
                output.append(-1)
                path.append(Int32(parent.count - 1))
            }
            let terminal = path[pattern.count]
            if output[Int(terminal)] < 0 {
                output[Int(terminal)] = Int32(patternIndex)
            } else {
                duplicates[output[Int(terminal)], default: [output[Int(terminal)]]].append(Int32(patternIndex))
            }
            previous = pattern
        }

        // Edges, contiguous per state; creation order keeps each state's children sorted.
        let stateCount = parent.count
        var edgeStart = [Int32](repeating: 0, count: stateCount + 1)
        for node in 1..<stateCount { edgeStart[Int(parent[node]) + 1] += 1 }
        for state in 0..<stateCount { edgeStart[state + 1] += edgeStart[state] }
        var fill = edgeStart
        var edgeLabel = [UInt16](repeating: 0, count: stateCount - 1)
        var edgeTarget = [Int32](repeating: 0, count: stateCount - 1)
        var rootNext = [Int32](repeating: 0, count: ordered.count + 1)
        for node in 1..<stateCount {
            let from = Int(parent[node])
            let slot = Int(fill[from])
            edgeLabel[slot] = nodeLabel[node]
            edgeTarget[slot] = Int32(node)
            fill[from] += 1
            if from == 0 { rootNext[Int(nodeLabel[node])] = Int32(node) }
        }

        // Failure links, shallow states first.
        // States by depth, by counting sort: the trie has millions of states for a large registry.
        let maxDepth = Int(depth.max() ?? 0)
        var depthStart = [Int](repeating: 0, count: maxDepth + 2)
        for value in depth { depthStart[Int(value) + 1] += 1 }
        for level in 0...maxDepth { depthStart[level + 1] += depthStart[level] }
        var byDepth = [Int](repeating: 0, count: stateCount)
        for state in 0..<stateCount {
            byDepth[depthStart[Int(depth[state])]] = state
            depthStart[Int(depth[state])] += 1
        }
        var failure = [Int32](repeating: 0, count: stateCount)
        var outputLink = [Int32](repeating: -1, count: stateCount)
        func step(_ state: Int32, _ label: UInt16) -> Int32? {
            if state == 0 {
                let next = rootNext[Int(label)]
                return next == 0 ? nil : next
            }
            return Self.find(label, from: Int(edgeStart[Int(state)]), to: Int(edgeStart[Int(state) + 1]),
                             labels: edgeLabel, targets: edgeTarget)
        }
        for node in byDepth where depth[node] >= 2 {
            var fallback = failure[Int(parent[node])]
            while true {
                if let next = step(fallback, nodeLabel[node]) {
                    failure[node] = next
                    break
                }
                if fallback == 0 { break }
                fallback = failure[Int(fallback)]
            }
            let target = Int(failure[node])
            outputLink[node] = output[target] >= 0 ? Int32(target) : outputLink[target]
        }

        self.bmpClasses = bmp
        self.astralClasses = astral
        let states = (0..<stateCount).map { state in
            State(edgeStart: edgeStart[state], edgeEnd: edgeStart[state + 1], failure: failure[state],
                  emitter: output[state] >= 0 ? Int32(state) : outputLink[state])
        }
        // A transition into a state where patterns end carries the sign bit, so a scan
        // learns it without waiting for the new state's record.
        func flagged(_ target: Int32) -> Int32 {
            target > 0 && states[Int(target)].emitter >= 0 ? target | Self.emits : target
        }
        self.rootNext = rootNext.map(flagged)
        self.states = states
        edgeTarget = edgeTarget.map(flagged)
        self.edgeLabel = edgeLabel
        self.edgeTarget = edgeTarget
        self.outputs = (0..<stateCount).map { state in
            Output(pattern: output[state], length: depth[state], link: outputLink[state])
        }
        self.patternCount = patterns.count
        self.duplicates = duplicates
    }

    @inline(__always)
    private static func find(_ label: UInt16, from: Int, to: Int, labels: [UInt16], targets: [Int32]) -> Int32? {
        var low = from, high = to
        while low < high {
            let middle = (low + high) >> 1
            let value = labels[middle]
            if value == label { return targets[middle] }
            if value < label { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Calls `body(pattern, start, end)` for every occurrence, in order of end offset.
    /// Offsets count scalars of `scalars`.
    /// - Complexity: O(n + m) for n scalars and m occurrences.
    @inlinable
    public func scan(_ scalars: UnsafeBufferPointer<UInt32>, _ body: (Int, Int, Int) -> Void) {
        scanStates(scalars) { pattern, length, end in
            body(pattern, end - length, end)
        }
    }

    @usableFromInline
    func scanStates(_ scalars: UnsafeBufferPointer<UInt32>, _ body: (_ pattern: Int, _ length: Int, _ end: Int) -> Void) {
        let hasDuplicates = !duplicates.isEmpty
        bmpClasses.withUnsafeBufferPointer { classes in
        rootNext.withUnsafeBufferPointer { root in
        states.withUnsafeBufferPointer { states in
        edgeLabel.withUnsafeBufferPointer { labels in
        edgeTarget.withUnsafeBufferPointer { targets in
        outputs.withUnsafeBufferPointer { outputs in
            var state: Int32 = 0
            for offset in 0..<scalars.count {
                let scalar = scalars[offset]
                let label = scalar < 0x10000 ? classes[Int(scalar)] : (astralClasses[scalar] ?? 0)
                if label == 0 {
                    state = 0
                    continue
                }
                var next: Int32 = 0
                while true {
                    if state == 0 {
                        next = root[Int(label)]
                        break
                    }
                    let record = states[Int(state)]
                    // Branch-free search of the sorted labels: the last edge whose label <= label.
                    var base = Int(record.edgeStart)
                    var count = Int(record.edgeEnd) - base
                    while count > 1 {
                        let half = count >> 1
                        base = labels[base + half] <= label ? base + half : base
                        count -= half
                    }
                    if count == 1 && labels[base] == label {
                        next = targets[base]
                        break
                    }
                    state = record.failure
                }
                state = next & ~Self.emits
                guard next < 0 else { continue }
                var emitting = states[Int(state)].emitter
                while emitting >= 0 {
                    let found = outputs[Int(emitting)]
                    if hasDuplicates, let copies = duplicates[found.pattern] {
                        for copy in copies { body(Int(copy), Int(found.length), offset + 1) }
                    } else {
                        body(Int(found.pattern), Int(found.length), offset + 1)
                    }
                    emitting = found.link
                }
            }
        }}}}}}
    }

    /// All occurrences of all patterns in `text`, in order of their end offset.
    /// - Complexity: O(n + m) for a text of n scalars with m matches.
    public func matches(in text: String) -> [Match] {
        let scalars = text.unicodeScalars.map(\.value)
        var found: [Match] = []
        scalars.withUnsafeBufferPointer { buffer in
            scan(buffer) { pattern, start, end in
                found.append(Match(pattern: pattern, start: start, end: end))
            }
        }
        return found
    }
}
