import Store
import Synchronization

/// Every petitioner's name the store holds, to find in free text that a clerk typed (a
/// review reason naming another item's petitioner): for the roles that may not read them.
/// Read again when the store has changed since, at most once a minute: the names are
/// found by a pass over the items (a third of a second at a million), and a snapshot
/// changes with every decision.
final class PetitionerNames: Sendable {
    private struct Kept {
        var generation: Int
        var readAt: ContinuousClock.Instant
        /// Names in their folded form (simplified characters), by length.
        var names: Set<[UInt32]>
        var longest: Int
    }

    private let kept = Mutex<Kept?>(nil)

    /// The names of petitioners that `text` contains, as the store writes them (any
    /// variant the text writes, traditional or simplified, is found).
    func found(in texts: [String], generation: Int, database: AppDatabase, variants: [UInt32: UInt32]) async throws -> [String] {
        guard texts.contains(where: { $0.unicodeScalars.count >= 2 }) else { return [] }
        let current: Kept
        if let hit = kept.withLock({ $0 }), hit.generation == generation || ContinuousClock.now - hit.readAt < .seconds(60) {
            current = hit
        } else {
            let names = try await database.petitionerNames()
            let folded = Set(names.map { Self.fold($0, variants) }.filter { $0.count >= 2 })
            current = Kept(generation: generation, readAt: .now, names: folded, longest: folded.map(\.count).max() ?? 0)
            kept.withLock { $0 = current }
        }
        guard current.longest >= 2 else { return [] }
        var found: [String] = []
        for text in texts {
            let scalars = Self.fold(text, variants)
            for start in scalars.indices {
                for length in 2...current.longest where start + length <= scalars.count {
                    let candidate = Array(scalars[start..<start + length])
                    if current.names.contains(candidate) {
                        found.append(String(String.UnicodeScalarView(candidate.compactMap(Unicode.Scalar.init))))
                    }
                }
            }
        }
        return Array(Set(found))
    }

    private static func fold(_ text: String, _ variants: [UInt32: UInt32]) -> [UInt32] {
        text.unicodeScalars.map { variants[$0.value] ?? $0.value }
    }
}
