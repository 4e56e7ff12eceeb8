import Foundation
import Model
import Parallel

extension ScoringEngine {
    /// The verdicts on `items`, in order, scored on every core: parts of a few thousand
    /// items, a few parts a core, each part with its own buffers (the engine is read-only).
    /// Cores take parts as they finish the last, so a core that met the long texts does not
    /// hold the others up. What a monitor's batch and `rules rescore` use; `evaluate(_:)` is
    /// the same on one core.
    public func evaluateOnAllCores(_ items: [Item], cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> [ItemVerdict] {
        guard cores > 1 && items.count >= 2 * Self.itemsPerPart else { return evaluate(items) }
        let parts = min(cores * Self.partsPerCore, items.count / Self.itemsPerPart)
        let size = (items.count + parts - 1) / parts
        let scored = items.withUnsafeBufferPointer { buffer in
            // The parts only read the items, each its own range, while the array stays alive here.
            let items = SharedBuffer(buffer)
            return Parallel.mapChunks(of: items.count, size: size) { range in evaluate(items[range]) }
        }
        var verdicts: [ItemVerdict] = []
        verdicts.reserveCapacity(items.count)
        for part in scored { verdicts.append(contentsOf: part) }
        return verdicts
    }

    /// Fewer items than this a part are not worth a thread's start.
    static let itemsPerPart = 2_000
    /// Parts a core: enough that the cores end together.
    static let partsPerCore = 8
}
