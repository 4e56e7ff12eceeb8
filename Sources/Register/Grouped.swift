import Dispatch

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
            let slots = UnsafeSlots(base: buffer.baseAddress)
            Self.eachChunk(groups: groups) { groupRange in
                for group in groupRange where bounds[group + 1] - bounds[group] > 1 {
                    var members = UnsafeMutableBufferPointer(start: slots.base! + bounds[group],
                                                             count: bounds[group + 1] - bounds[group])
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
        let chunks = (groups + groupsPerChunk - 1) / groupsPerChunk
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body(chunk * groupsPerChunk..<min(groups, (chunk + 1) * groupsPerChunk))
        }
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
    init(_ grouping: GroupOrder, value: @escaping @Sendable (Int32) -> Element,
         eachGroup: (@Sendable (inout ArraySlice<Element>) -> Void)? = nil) {
        let chunkCount = (grouping.groups + GroupOrder.groupsPerChunk - 1) / GroupOrder.groupsPerChunk
        let bounds = grouping.starts
        chunks = [[Element]](unsafeUninitializedCapacity: chunkCount) { buffer, initialized in
            let slots = UnsafeSlots(base: buffer.baseAddress)
            GroupOrder.eachChunk(groups: grouping.groups) { groupRange in
                let base = bounds[groupRange.lowerBound]
                var values = grouping.order[base..<bounds[groupRange.upperBound]].map(value)
                if let eachGroup {
                    for group in groupRange where bounds[group + 1] > bounds[group] {
                        eachGroup(&values[(bounds[group] - base)..<(bounds[group + 1] - base)])
                    }
                }
                slots.base!.advanced(by: groupRange.lowerBound / GroupOrder.groupsPerChunk).initialize(to: values)
            }
            initialized = chunkCount
        }
        starts = bounds
    }

    subscript(group: Int) -> ArraySlice<Element> {
        let chunk = group / GroupOrder.groupsPerChunk
        let base = starts[chunk * GroupOrder.groupsPerChunk]
        return chunks[chunk][(starts[group] - base)..<(starts[group + 1] - base)]
    }
}

/// `value` of each index of `0 ..< count`, worked out on every core.
func concurrentMap<Value>(count: Int, _ value: @Sendable (Int) -> Value) -> [Value] {
    [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
        let slots = UnsafeSlots(base: buffer.baseAddress)
        let chunkSize = 16_384
        DispatchQueue.concurrentPerform(iterations: (count + chunkSize - 1) / chunkSize) { chunk in
            for index in chunk * chunkSize..<min(count, (chunk + 1) * chunkSize) {
                slots.base!.advanced(by: index).initialize(to: value(index))
            }
        }
        initialized = count
    }
}

/// Memory that workers of one parallel loop initialize, each slot by exactly one.
struct UnsafeSlots<Value>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Value>?
}

/// Memory that workers of one parallel loop only read, while its owner keeps it alive.
struct UnsafeShared<Value>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Value>

    subscript(index: Int) -> UnsafePointer<Value> {
        assert(buffer.indices.contains(index))
        return buffer.baseAddress! + index
    }
}
