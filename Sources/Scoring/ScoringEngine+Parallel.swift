import Foundation
import Model

extension ScoringEngine {
    /// The verdicts on `items`, in order, scored on every core: parts of a few thousand
    /// items, one part a core, each with its own buffers (the engine is read-only).
    /// What a monitor's batch and `rules rescore` use; `evaluate(_:)` is the same on one core.
    public func evaluateOnAllCores(_ items: [Item], cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> [ItemVerdict] {
        let parts = max(1, min(cores, items.count / Self.itemsPerPart))
        guard parts > 1 else { return evaluate(items) }
        let size = (items.count + parts - 1) / parts
        let scored = PartSlots<[ItemVerdict]>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            scored[part] = evaluate(Array(items[part * size..<min(items.count, (part + 1) * size)]))
        }
        return scored.values.flatMap { $0 }
    }

    /// Fewer items than this a core are not worth a thread.
    static let itemsPerPart = 2_000
}

/// Values that the iterations of one parallel loop set, each its own slot (memory of its
/// own: no access to a shared property while they write).
private final class PartSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize().deallocate()
    }

    subscript(index: Int) -> Value? {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    /// Every slot's value, once all are set.
    var values: [Value] { slots.map { $0! } }
}
