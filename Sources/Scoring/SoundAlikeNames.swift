import Model
import Synchronization

/// The registry's project names and aliases as they sound: each character replaced by the
/// first of its homophone group (`linking.homophones`), so that 乔西大桥 is 桥西大桥 and
/// 湿地公圆 is 湿地公园. A site name that no registry name matches as written may still be
/// one of them, typed by pinyin.
///
/// Built on the first site that needs it, from the engine's own patterns: most items name
/// a registry project or no site at all, and a registry of a hundred thousand projects
/// should not pay for it when the engine is built.
final class SoundAlikeNames: Sendable {
    /// Per sound of a name or alias, the owner that spells it (its index in `owners`), or
    /// -1 when names of two projects sound alike.
    private let index = Mutex<[UInt64: Int32]?>(nil)
    /// Each character of a homophone group, and the group's first character.
    let canonical: [UInt32: UInt32]

    init(homophones: [String]) {
        var canonical: [UInt32: UInt32] = [:]
        for group in homophones {
            let scalars = group.unicodeScalars.map(\.value)
            // Groups that share a character are one group: 西 is in 西希溪夕 and in 溪西熙.
            let first = scalars.lazy.compactMap { canonical[$0] }.first ?? scalars[0]
            for scalar in scalars where canonical[scalar] == nil { canonical[scalar] = first }
        }
        self.canonical = canonical
    }

    /// What a site name matches among the registry's names and aliases.
    enum Match: Equatable {
        case none
        /// One project's name or alias (the owner's index in the engine's `owners`).
        case owner(Int32)
        /// Names of several projects sound like it: it is no unregistered site, and no link.
        case several
    }

    /// The match for `scalars` (folded), built from `engine` the first time.
    func match(_ scalars: some Collection<UInt32>, in engine: ScoringEngine) -> Match {
        let key = sound(of: scalars)
        return index.withLock { index in
            if index == nil { index = build(engine) }
            guard let found = index?[key] else { return .none }
            return found >= 0 ? .owner(found) : .several
        }
    }

    /// A hash (FNV-1a) of the name's characters, each as its group's first.
    func sound(of scalars: some Collection<UInt32>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for scalar in scalars {
            hash = (hash ^ UInt64(canonical[scalar] ?? scalar)) &* 0x100_0000_01B3
        }
        return hash
    }

    private func build(_ engine: ScoringEngine) -> [UInt64: Int32] {
        var index: [UInt64: Int32] = [:]
        let flat = engine.patternFlat
        let starts = engine.patternStarts
        for pattern in 0..<(starts.count - 1) {
            let info = engine.patternInfo[pattern]
            guard info.hasOwners else { continue }
            for at in Int(info.ownerStart)..<Int(info.ownerEnd) {
                let owner = engine.owners[at]
                guard owner.kind == .name || owner.kind == .alias else { continue }
                let key = sound(of: flat[Int(starts[pattern])..<Int(starts[pattern + 1])])
                if let seen = index[key] {
                    if seen >= 0 && engine.owners[Int(seen)].project != owner.project { index[key] = -1 }
                } else {
                    index[key] = Int32(at)
                }
            }
        }
        return index
    }
}
