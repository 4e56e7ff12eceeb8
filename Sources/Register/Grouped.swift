import Parallel

/// The indices of one array's elements grouped by an owner index, each group in a given
/// order: one flat list (no array per group), its groups sorted in chunks on every core.
struct GroupOrder: Sendable {
    static var groupsPerChunk: Int { 4_096 }
    /// Element indices, group after group.
    let order: [Int32]
    /// Where each group starts in `order`; group g is `starts[g] ..< starts[g + 1]`.
    let starts: [Int]

    /// - Parameters:
    ///   - count: how many elements there are.
    ///   - owner: the group of an element, or -1 for none.
    ///   - areInIncreasingOrder: compares two elements by their indices.
    init(count: Int, groups: Int, owner: (Int) -> Int32, by areInIncreasingOrder: @escaping @Sendable (Int32, Int32) -> Bool) {
        var starts = [Int](repeating: 0, count: groups + 1)
        for index in 0..<count where owner(index) >= 0 { starts[Int(owner(index)) + 1] += 1 }
        for group in 0..<groups { starts[group + 1] += starts[group] }
        var next = starts
        var order = [Int32](repeating: 0, count: starts[groups])
        for index in 0..<count where owner(index) >= 0 {
            order[next[Int(owner(index))]] = Int32(index)
            next[Int(owner(index))] += 1
        }
        let bounds = starts
        order.withUnsafeMutableBufferPointer { buffer in
            let slots = Slots(buffer)
            Self.eachChunk(groups: groups) { groupRange in
                for group in groupRange where bounds[group + 1] - bounds[group] > 1 {
                    // Each group's members are its chunk's alone.
                    var members = slots.region(from: bounds[group], count: bounds[group + 1] - bounds[group]).buffer
                    members.sort(by: areInIncreasingOrder)
                }
            }
        }
        self.order = order
        self.starts = starts
    }

    var groups: Int { starts.count - 1 }

    subscript(group: Int) -> ArraySlice<Int32> {
        order[starts[group]..<starts[group + 1]]
    }

    /// Runs `body` for every chunk of groups, on every core.
    static func eachChunk(groups: Int, _ body: @Sendable (Range<Int>) -> Void) {
        Parallel.forEachChunk(of: groups, size: groupsPerChunk, body)
    }
}

/// Values made for the elements of a `GroupOrder`, in its order: one array per chunk of
/// groups, made on every core, each group a slice.
struct Grouped<Element: Sendable>: Sendable {
    /// The values of groups `c * groupsPerChunk ..< (c + 1) * groupsPerChunk`, in group order.
    private let chunks: [[Element]]
    private let starts: [Int]

    /// - Parameters:
    ///   - value: the value of the element of an index.
    ///   - eachGroup: applied to each group's values once they are in order.
    init(
        _ grouping: GroupOrder, value: @escaping @Sendable (Int32) -> Element,
        eachGroup: (@Sendable (inout ArraySlice<Element>) -> Void)? = nil
    ) {
        let bounds = grouping.starts
        chunks = Parallel.mapChunks(of: grouping.groups, size: GroupOrder.groupsPerChunk) { groupRange in
            let base = bounds[groupRange.lowerBound]
            var values = grouping.order[base..<bounds[groupRange.upperBound]].map(value)
            if let eachGroup {
                for group in groupRange where bounds[group + 1] > bounds[group] {
                    eachGroup(&values[(bounds[group] - base)..<(bounds[group + 1] - base)])
                }
            }
            return values
        }
        starts = bounds
    }

    subscript(group: Int) -> ArraySlice<Element> {
        let chunk = group / GroupOrder.groupsPerChunk
        let base = starts[chunk * GroupOrder.groupsPerChunk]
        return chunks[chunk][(starts[group] - base)..<(starts[group + 1] - base)]
    }
}
