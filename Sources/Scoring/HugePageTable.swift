#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only table of plain values, in memory of its own that the kernel may back
/// with 2 MiB pages (transparent huge pages, asked for with `madvise`).
///
/// The scorer's large tables (the matcher's states, the pattern and owner records)
/// are read at random, a few megabytes each: with 4 KiB pages most lookups also
/// miss the TLB, and in a virtual machine the page walk that follows can cost as
/// much as the cache miss. With 2 MiB pages a table needs a handful of TLB entries. Where the kernel offers no huge pages (THP `never`, another system)
/// the table is ordinary memory and works the same.
final class HugePageTable<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    private let base: UnsafeMutablePointer<Element>
    let count: Int
    /// The mapping to unmap, or nil when the table was allocated from the heap.
    private let mapping: (address: UnsafeMutableRawPointer, length: Int)?

    /// Whether the table has a mapping of its own, starting on a 2 MiB boundary.
    var isMapped: Bool { mapping != nil }

    /// Tables smaller than this stay on the heap: they fit the TLB's reach anyway.
    private static var hugePageThreshold: Int { 1 << 20 }
    private static var hugePage: Int { 2 << 20 }

    init(_ elements: [Element]) {
        count = elements.count
        let bytes = Swift.max(1, elements.count) * MemoryLayout<Element>.stride
        var mapped: (address: UnsafeMutableRawPointer, length: Int)?
        #if os(Linux)
            if bytes >= Self.hugePageThreshold {
                // Room to start on a 2 MiB boundary and to end on one, so that every page of the table can be huge.
                let length = (bytes + 2 * Self.hugePage - 1) / Self.hugePage * Self.hugePage
                let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                if let address, address != MAP_FAILED {
                    mapped = (address, length)
                }
            }
        #endif
        if let mapped {
            let start = (Int(bitPattern: mapped.address) + Self.hugePage - 1) / Self.hugePage * Self.hugePage
            // swift-format-ignore: NeverForceUnwrap
            // (a mapped address rounded up: not 0)
            let aligned = UnsafeMutableRawPointer(bitPattern: start)!
            #if os(Linux)
                // Asked before the first write, so that the first touch of each 2 MiB maps a huge page.
                // A refusal (THP disabled) leaves ordinary pages: nothing to handle.
                _ = madvise(aligned, (bytes + Self.hugePage - 1) / Self.hugePage * Self.hugePage, MADV_HUGEPAGE)
            #endif
            base = aligned.bindMemory(to: Element.self, capacity: Swift.max(1, elements.count))
        } else {
            base = UnsafeMutablePointer<Element>.allocate(capacity: Swift.max(1, elements.count))
        }
        mapping = mapped
        elements.withUnsafeBufferPointer { source in
            if let from = source.baseAddress { base.initialize(from: from, count: source.count) }
        }
    }

    deinit {
        if let mapping {
            #if os(Linux)
                munmap(mapping.address, mapping.length)
            #endif
        } else {
            base.deallocate()
        }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "index out of range")
        return base[position]
    }

    func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Element>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }
}
