/// Finds every occurrence of many patterns: a trie over Unicode scalars in
/// contiguous arrays, entered only where a bigram filter says a pattern may start.
///
/// An Aho-Corasick automaton must take a transition for every character of the
/// text, and with hundreds of thousands of registry names those transitions miss
/// the cache. Here a position is first tested against a bitset of the patterns'
/// first two characters (hashed, about 64 bits a distinct bigram, so that it stays in
/// the cache): in running text nine positions in ten or more are rejected by that one load. From a position that
/// passes, the trie is walked forward for as long as the text follows it, and
/// every pattern ending on the way is reported.
///
/// Scalars are mapped to dense classes (only scalars that occur in some pattern
/// get one). Each state is one record of 32-bit words: its output, its edge count,
/// its labels sorted by class and its targets, side by side (a state in a name's
/// tail holds only its output and its one label), so that a step into a
/// state met rarely (deep in a registry name) waits for one cache line, not for
/// separate arrays of states, labels and targets. The root has a dense table; the
/// shallow states every walk visits come first, and the rest in the order a name's
/// characters follow each other. Built once per set of patterns and shared by every
/// scan; a scan allocates nothing.
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

    /// The words of a state's record: output, then edge count and single label, then
    /// labels (two a word), then targets. A state whose only edge leads to the record
    /// right after it (the tail of a name, laid out in order) has its label in the
    /// high half of the second word and nothing more: the walk along a tail then reads
    /// records of two words one after another, whose addresses the processor knows
    /// before any arrives, and a name's tail of eight characters spans one or two cache lines.
    private static let headerWords = 2

    /// Where a record's targets begin, counted from the record.
    @inline(__always)
    private static func targetsOffset(edges: Int) -> Int { headerWords + (edges + 1) / 2 }

    /// The words of a record with `edges` edges.
    @inline(__always)
    private static func recordWords(edges: Int) -> Int { targetsOffset(edges: edges) + edges }

    private let bmpClasses: [UInt16]
    private let astralClasses: [UInt32: UInt16]
    /// The record (word offset in `nodes`) after the root for each class, 0 for none.
    private let rootNext: [Int32]
    /// Every state's record; the root's is at offset 0, which no edge targets.
    private let nodes: HugePageTable<UInt32>
    /// Bit `bigramHash(a, b)` set when some pattern starts with a, b; about 64 bits
    /// for each distinct first bigram, so that it stays in the L1 or L2 cache and
    /// lets through few positions by collision.
    private let bigrams: [UInt64]
    private let bigramShift: UInt32
    /// BMP scalars that are whole patterns on their own (不, 欠 ...); `astralSingles` for the rest.
    private let singles: [UInt64]
    private let astralSingles: Set<UInt32>
    private let patternCount: Int
    /// For patterns given more than once: every index of the same text.
    private let duplicates: [Int32: [Int32]]

    /// The number of patterns.
    public var count: Int { patternCount }

    /// The number of trie states, for sizing and benchmarks.
    public let stateCount: Int

    /// Builds the matcher. Patterns are used as given: normalize them first.
    /// Empty patterns never match.
    /// - Complexity: O(L log P) time for P patterns of total length L, O(L) space.
    public init(patterns: [String]) {
        self.init(scalarPatterns: patterns.map { $0.unicodeScalars.map(\.value) })
    }

    /// Builds the matcher from patterns given as scalar values.
    public init(scalarPatterns patterns: [[UInt32]]) {
        var flat: [UInt32] = []
        var starts: [Int32] = [0]
        for pattern in patterns {
            flat += pattern
            starts.append(Int32(flat.count))
        }
        self.init(flat: flat, starts: starts)
    }

    /// Builds the matcher from patterns laid end to end: pattern i is
    /// `flat[starts[i] ..< starts[i + 1]]` (no array per pattern, for large registries).
    public init(flat: [UInt32], starts: [Int32]) {
        let patternCount = starts.count - 1
        func range(_ pattern: Int) -> Range<Int> { Int(starts[pattern])..<Int(starts[pattern + 1]) }
        // Dense classes, in scalar order, so that sorting by class sorts by text.
        var seen = [UInt64](repeating: 0, count: 0x10000 / 64)
        var astralSeen = Set<UInt32>()
        for scalar in flat {
            if scalar < 0x10000 { seen[Int(scalar >> 6)] |= 1 << UInt64(scalar & 63) } else { astralSeen.insert(scalar) }
        }
        var bmp = [UInt16](repeating: 0, count: 0x10000)
        var astral: [UInt32: UInt16] = [:]
        var labelCount = 0
        for scalar in 0..<UInt32(0x10000) where seen[Int(scalar >> 6)] & (1 << UInt64(scalar & 63)) != 0 {
            labelCount += 1
            bmp[Int(scalar)] = UInt16(labelCount)
        }
        for scalar in astralSeen.sorted() {
            labelCount += 1
            astral[scalar] = UInt16(labelCount)
        }
        precondition(labelCount < Int(UInt16.max), "too many distinct characters in the patterns")
        // swift-format-ignore: NeverForceUnwrap
        // (every scalar outside the BMP in flat was given a class above)
        let classes = flat.map { $0 < 0x10000 ? bmp[Int($0)] : astral[$0]! }
        let order = classes.withUnsafeBufferPointer { classes in
            (0..<patternCount).sorted { lhs, rhs in
                UnsafeBufferPointer(rebasing: classes[range(lhs)])
                    .lexicographicallyPrecedes(UnsafeBufferPointer(rebasing: classes[range(rhs)]))
            }
        }

        // The filter: first two characters of every pattern, or the character of a one-character pattern.
        var firstBigrams = Set<UInt64>()
        for pattern in 0..<patternCount where range(pattern).count >= 2 {
            let first = range(pattern).lowerBound
            firstBigrams.insert(UInt64(flat[first]) << 32 | UInt64(flat[first + 1]))
        }
        var bits = 15
        while bits < 24 && (1 << bits) < firstBigrams.count * 64 { bits += 1 }
        let shift = UInt32(32 - bits)
        var bigrams = [UInt64](repeating: 0, count: (1 << bits) / 64)
        var singles = [UInt64](repeating: 0, count: 0x10000 / 64)
        var astralSingles = Set<UInt32>()
        for pattern in 0..<patternCount {
            let span = range(pattern)
            if span.count >= 2 {
                let bit = Self.bigramHash(flat[span.lowerBound], flat[span.lowerBound + 1], shift: shift)
                bigrams[bit >> 6] |= 1 << UInt64(bit & 63)
            } else if span.count == 1 {
                let only = flat[span.lowerBound]
                if only < 0x10000 { singles[Int(only >> 6)] |= 1 << UInt64(only & 63) } else { astralSingles.insert(only) }
            }
        }

        // Trie by insertion in sorted order: a pattern shares the path of the previous
        // one up to their common prefix, and each node's children are created in label order.
        var parent: [Int32] = [-1]
        var nodeLabel: [UInt16] = [0]
        var depth: [Int32] = [0]
        var output: [Int32] = [-1]
        var duplicates: [Int32: [Int32]] = [:]
        var path: [Int32] = [0]
        var previous: Range<Int> = 0..<0
        for patternIndex in order {
            let span = range(patternIndex)
            guard !span.isEmpty else { continue }
            var common = 0
            while common < span.count, common < previous.count,
                classes[span.lowerBound + common] == classes[previous.lowerBound + common]
            {
                common += 1
            }
            path.removeSubrange((common + 1)...)
            for position in common..<span.count {
                parent.append(path[position])
                nodeLabel.append(classes[span.lowerBound + position])
                depth.append(Int32(position + 1))
                output.append(-1)
                path.append(Int32(parent.count - 1))
            }
            let terminal = path[span.count]
            if output[Int(terminal)] < 0 {
                output[Int(terminal)] = Int32(patternIndex)
            } else {
                duplicates[output[Int(terminal)], default: [output[Int(terminal)]]].append(Int32(patternIndex))
            }
            previous = span
        }

        // Children of each state, contiguous; creation order keeps them sorted by label.
        let stateCount = parent.count
        var childStart = [Int32](repeating: 0, count: stateCount + 1)
        for node in 1..<stateCount { childStart[Int(parent[node]) + 1] += 1 }
        for state in 0..<stateCount { childStart[state + 1] += childStart[state] }
        var fill = childStart
        var children = [Int32](repeating: 0, count: max(0, stateCount - 1))
        for node in 1..<stateCount {
            let from = Int(parent[node])
            children[Int(fill[from])] = Int32(node)
            fill[from] += 1
        }

        // The states of the first two levels first, level by level (every walk starts there, so they
        // should share a few cache lines), then the rest in creation order: a name's
        // own tail was created state after state, so a walk along it reads memory in
        // order, which the hardware prefetches, instead of jumping around a large array.
        var layout: [Int] = []
        layout.reserveCapacity(stateCount)
        for level in 0...2 {
            for state in 0..<stateCount where depth[state] == level { layout.append(state) }
        }
        for state in 0..<stateCount where depth[state] > 2 { layout.append(state) }
        var rank = [Int32](repeating: 0, count: stateCount)
        for (position, state) in layout.enumerated() { rank[state] = Int32(position) }

        // Records in layout order; a record's offset is known before its edges are written.
        func edgeCount(_ old: Int) -> Int { Int(childStart[old + 1] - childStart[old]) }
        func isChained(_ position: Int, _ old: Int) -> Bool {
            edgeCount(old) == 1 && Int(rank[Int(children[Int(childStart[old])])]) == position + 1
        }
        var offsets = [Int32](repeating: 0, count: stateCount)
        var size = 0
        for (position, old) in layout.enumerated() {
            offsets[position] = Int32(size)
            size += isChained(position, old) ? Self.headerWords : Self.recordWords(edges: edgeCount(old))
        }
        precondition(size < Int(Int32.max), "too many states")
        var nodes = [UInt32](repeating: 0, count: size)
        for (position, old) in layout.enumerated() {
            let at = Int(offsets[position])
            let edges = children[Int(childStart[old])..<Int(childStart[old + 1])]
            nodes[at] = UInt32(bitPattern: output[old])
            guard !isChained(position, old) else {
                // swift-format-ignore: NeverForceUnwrap
                // (a chained state has one edge)
                nodes[at + 1] = 1 | UInt32(nodeLabel[Int(edges.first!)]) << 16
                continue
            }
            nodes[at + 1] = UInt32(edges.count)
            let targets = at + Self.targetsOffset(edges: edges.count)
            nodes.withUnsafeMutableBytes { bytes in
                // Labels as 16-bit values from the record's third word on, read back the same way by `scan`.
                for (index, child) in edges.enumerated() {
                    bytes.storeBytes(
                        of: nodeLabel[Int(child)], toByteOffset: (at + Self.headerWords) * 4 + index * 2,
                        as: UInt16.self)
                }
            }
            for (index, child) in edges.enumerated() {
                nodes[targets + index] = UInt32(offsets[Int(rank[Int(child)])])
            }
        }
        var rootNext = [Int32](repeating: 0, count: labelCount + 1)
        for child in children[Int(childStart[0])..<Int(childStart[1])] {
            rootNext[Int(nodeLabel[Int(child)])] = offsets[Int(rank[Int(child)])]
        }

        self.bmpClasses = bmp
        self.astralClasses = astral
        self.rootNext = rootNext
        self.nodes = HugePageTable(nodes)
        self.stateCount = stateCount
        self.bigrams = bigrams
        self.bigramShift = shift
        self.singles = singles
        self.astralSingles = astralSingles
        self.patternCount = patternCount
        self.duplicates = duplicates
    }

    @inline(__always)
    private static func bigramHash(_ first: UInt32, _ second: UInt32, shift: UInt32) -> Int {
        Int((first &* 0x9E37_79B1 ^ second &* 0x85EB_CA77 ^ second &>> 7) &>> shift)
    }

    /// The first position from `start` on where a pattern may begin (a walk from it
    /// decides), or `count`: the filter loop, on its own so that its few values stay in
    /// registers. It may let through positions where nothing begins (a hash collision,
    /// an astral character, the last position), never skip one where something does.
    @inline(never)
    private static func nextCandidate(
        _ scalars: UnsafePointer<UInt32>, from start: Int, count: Int,
        bigrams: UnsafePointer<UInt64>, shift: UInt32,
        singles: UnsafePointer<UInt64>, hasAstralSingles: Bool
    ) -> Int {
        var index = start
        guard index + 1 < count else { return index < count ? index : count }
        var first = scalars[index]
        while index + 1 < count {
            let second = scalars[index + 1]
            let bit = bigramHash(first, second, shift: shift)
            if bigrams[bit &>> 6] & (1 &<< UInt64(bit & 63)) != 0 { return index }
            if first < 0x10000 {
                if singles[Int(first &>> 6)] & (1 &<< UInt64(first & 63)) != 0 { return index }
            } else if hasAstralSingles {
                return index
            }
            first = second
            index += 1
        }
        return index
    }

    /// Calls `body(pattern, start, end)` for every occurrence, in order of start
    /// offset and, for one start, of length. Offsets count scalars of `scalars`.
    /// - Complexity: O(n + w) for n scalars, where w is the length of the walks
    ///   taken from positions that pass the filter; at most O(n · the longest pattern).
    public func scan(_ scalars: UnsafeBufferPointer<UInt32>, _ body: (_ pattern: Int, _ start: Int, _ end: Int) -> Void) {
        let hasDuplicates = !duplicates.isEmpty
        let count = scalars.count
        let shift = bigramShift
        bmpClasses.withUnsafeBufferPointer { classes in
            bigrams.withUnsafeBufferPointer { bigrams in
                singles.withUnsafeBufferPointer { singles in
                    rootNext.withUnsafeBufferPointer { root in
                        nodes.withUnsafeBufferPointer { nodes in
                            @inline(__always) func label(_ scalar: UInt32) -> UInt16 {
                                scalar < 0x10000 ? classes[Int(scalar)] : (astralClasses[scalar] ?? 0)
                            }
                            guard count > 0 else { return }
                            let hasAstralSingles = !astralSingles.isEmpty
                            // swift-format-ignore: NeverForceUnwrap
                            // (the table holds at least the root)
                            let words = nodes.baseAddress!
                            var start = 0
                            while true {
                                // swift-format-ignore: NeverForceUnwrap
                                // (count > 0; the bigram and single tables have a fixed, non-zero size)
                                start = Self.nextCandidate(
                                    scalars.baseAddress!, from: start, count: count, bigrams: bigrams.baseAddress!,
                                    shift: shift, singles: singles.baseAddress!, hasAstralSingles: hasAstralSingles)
                                guard start < count else { break }
                                var node = Int(root[Int(label(scalars[start]))])
                                var end = start + 1
                                while node != 0 {
                                    let pattern = Int32(bitPattern: words[node])
                                    let header = words[node + 1]
                                    if pattern >= 0 {
                                        if hasDuplicates, let copies = duplicates[pattern] {
                                            for copy in copies { body(Int(copy), start, end) }
                                        } else {
                                            body(Int(pattern), start, end)
                                        }
                                    }
                                    let edges = Int(header & 0xFFFF)
                                    guard end < count, edges > 0 else { break }
                                    let next = label(scalars[end])
                                    guard next != 0 else { break }
                                    let only = UInt16(truncatingIfNeeded: header >> 16)
                                    if only != 0 {
                                        guard next == only else { break }
                                        node += Self.headerWords
                                        end += 1
                                        continue
                                    }
                                    // Search of the sorted labels (16-bit values, stored as such): the last edge whose label <= next.
                                    let labels = UnsafeRawPointer(words + node + Self.headerWords)
                                    @inline(__always) func edgeLabel(_ index: Int) -> UInt16 {
                                        labels.load(fromByteOffset: index * 2, as: UInt16.self)
                                    }
                                    var base = 0
                                    var remaining = edges
                                    while remaining > 1 {
                                        let half = remaining >> 1
                                        base = edgeLabel(base + half) <= next ? base + half : base
                                        remaining -= half
                                    }
                                    node = edgeLabel(base) == next ? Int(words[node + Self.targetsOffset(edges: edges) + base]) : 0
                                    end += 1
                                }
                                start += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// All occurrences of all patterns in `text`, in order of start offset.
    /// - Complexity: as `scan`.
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
