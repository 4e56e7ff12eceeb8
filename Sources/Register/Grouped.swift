import Dispatch

/// Elements of one array grouped by an owner index, each group in a given order:
/// copied once, in chunks of groups made on every core, its groups as slices (no
/// array per group).
struct Grouped<Element: Sendable>: Sendable {
    private static var groupsPerChunk: Int { 4_096 }
    /// The elements of groups `c * groupsPerChunk ..< (c + 1) * groupsPerChunk`, in group order.
    private let chunks: [[Element]]
    /// Where each group starts among all elements; group g is `starts[g] ..< starts[g + 1]`.
    private let starts: [Int]

    /// - Parameters:
    ///   - owners: the group of each element of `all`, or -1 for none.
    ///   - eachGroup: applied to each group once it is in order.
    init(_ all: [Element], owners: [Int32], groups: Int,
         by areInIncreasingOrder: @escaping @Sendable (Element, Element) -> Bool,
         eachGroup: (@Sendable (inout ArraySlice<Element>) -> Void)? = nil) {
        var starts = [Int](repeating: 0, count: groups + 1)
        for owner in owners where owner >= 0 { starts[Int(owner) + 1] += 1 }
        for group in 0..<groups { starts[group + 1] += starts[group] }
        var next = starts
        var order = [Int](repeating: 0, count: starts[groups])
        for (index, owner) in owners.enumerated() where owner >= 0 {
            order[next[Int(owner)]] = index
            next[Int(owner)] += 1
        }
        let perChunk = Self.groupsPerChunk
        let chunkCount = (groups + perChunk - 1) / perChunk
        let (positions, bounds) = (order, starts)
        chunks = [[Element]](unsafeUninitializedCapacity: chunkCount) { buffer, initialized in
            let slots = UnsafeSlots(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let firstGroup = chunk * perChunk, endGroup = min(groups, firstGroup + perChunk)
                let base = bounds[firstGroup]
                var indices = Array(positions[base..<bounds[endGroup]])
                for group in firstGroup..<endGroup where bounds[group + 1] - bounds[group] > 1 {
                    indices[(bounds[group] - base)..<(bounds[group + 1] - base)].sort { areInIncreasingOrder(all[$0], all[$1]) }
                }
                var elements = indices.map { all[$0] }
                if let eachGroup {
                    for group in firstGroup..<endGroup where bounds[group + 1] > bounds[group] {
                        eachGroup(&elements[(bounds[group] - base)..<(bounds[group + 1] - base)])
                    }
                }
                slots.base!.advanced(by: chunk).initialize(to: elements)
            }
            initialized = chunkCount
        }
        self.starts = starts
    }

    subscript(group: Int) -> ArraySlice<Element> {
        let chunk = group / Self.groupsPerChunk
        let base = starts[chunk * Self.groupsPerChunk]
        return chunks[chunk][(starts[group] - base)..<(starts[group + 1] - base)]
    }
}

/// Memory that workers of one parallel loop initialize, each slot by exactly one.
struct UnsafeSlots<Value>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Value>?
}
