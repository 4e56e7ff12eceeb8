import Foundation
import Model
import Parallel

/// A signal of the register's input, read in place: the flag rules read its fields as
/// plain values (`signal.at`, `signal.claim`), and no read copies the whole signal (its
/// strings and lists, a dozen retains) as a getter on a copy would.
struct SignalRef {
    let pointer: UnsafePointer<ItemSignal>

    init(_ pointer: UnsafePointer<ItemSignal>) {
        self.pointer = pointer
    }

    var itemID: String { pointer.pointee.itemID }
    var storyKey: String { pointer.pointee.storyKey }
    var projectID: String? { pointer.pointee.projectID }
    var channel: String? { pointer.pointee.channel }
    var status: String? { pointer.pointee.status }
    var firedRules: [String] { pointer.pointee.firedRules }
    var sites: [String] { pointer.pointee.sites }
    var at: Date { pointer.pointee.at }
    var score: Double { pointer.pointee.score }
    var kind: ItemKind { pointer.pointee.kind }
    var isSignal: Bool { pointer.pointee.isSignal }
    var claim: ClaimKind { pointer.pointee.claim }
    var isResolved: Bool { pointer.pointee.isResolved }
    var band: LinkBand? { pointer.pointee.band }
    var closedAt: Date? { pointer.pointee.closedAt }
    var petitionerKey: UInt64? { pointer.pointee.petitionerKey }

    /// A wage claim (not 工程款) not yet settled (`ItemAssessment.isOpenWageSignal`).
    var isOpenWageSignal: Bool { isSignal && claim == .wage && !isResolved }

    /// The project the signal counts for: linked with confidence (not the review band).
    var linkedProjectID: String? { band == .link ? projectID : nil }
}

extension SharedBuffer<ItemSignal> {
    /// The signal at `index`, read in place.
    subscript(signal index: Int) -> SignalRef { SignalRef(self[index]) }
}
