import CPrefetch
import Model

extension ScoringEngine {
    /// Storage that scoring reuses from one item to the next (see `evaluate(_ items:)`):
    /// folded text, matches, presence bits, terms and mentions found. Each stage empties
    /// what it fills, so a set of buffers serves item after item.
    struct Buffers {
        var text = NormalizedText()
        var found: [Found] = []
        var presence: [UInt64] = []
        var tracked: [Tracked] = []
        var cueEnds: [(end: Int, window: Int)] = []
        var termPatterns: [Int32] = []
        var mentions: [Mention] = []
        var firedIndexes: [Int] = []
        var occurrences: [Explanation.Occurrence] = []
    }

    /// A match that lies within one field.
    struct Found {
        var end: Int32
        var start: Int32
        var pattern: Int32
    }

    struct Tracked {
        var slot: Int32
        var field: Int8
        var start: Int32
        var end: Int32
    }

    /// Linking evidence found: a pattern and the field it was found in.
    struct Mention {
        var pattern: Int32
        var field: Int32
    }

    /// The verdict on `item`: rules fired, score, claim kind, link, story, sites.
    /// For many items, `evaluate(_ items:)` is faster.
    public func evaluate(_ item: Item) -> ItemVerdict {
        run(item, explaining: false).verdict
    }

    /// The verdict with everything that led to it, for a clerk.
    public func explain(_ item: Item) -> Explanation {
        run(item, explaining: true).explanation!
    }

    /// The rules that fire on a bare text (as content of a post), for rule examples.
    public func firedRules(onText text: String) -> [Rulebook.Rule] {
        let item = Item(feedID: "example", sourceKey: "example", kind: .post, content: text)
        return run(item, explaining: true).explanation!.firedRules
    }

    private func run(_ item: Item, explaining: Bool) -> (verdict: ItemVerdict, explanation: Explanation?) {
        var buffers = Buffers()
        return withUnsafePointer(to: item) { item in
            match(item, explaining: explaining, into: &buffers)
            gather(explaining: explaining, in: &buffers)
            return conclude(item, explaining: explaining, from: &buffers)
        }
    }

    /// The verdicts on `items`, in order (the same as one by one), faster: through three
    /// sets of buffers, as a pipeline. While one item is concluded, the next one's
    /// matches are gathered and the one after is matched; the records each stage asks
    /// the cache for (pattern records while matching, owner records while gathering)
    /// then arrive while other work goes on, not when the next stage needs them.
    public func evaluate(_ items: [Item]) -> [ItemVerdict] {
        items.withUnsafeBufferPointer(evaluate)
    }

    /// The stages read items through pointers: an item passed by value is copied, which
    /// costs a dozen retains and releases, and the stages read only a few fields.
    private func evaluate(_ items: UnsafeBufferPointer<Item>) -> [ItemVerdict] {
        var verdicts: [ItemVerdict] = []
        verdicts.reserveCapacity(items.count)
        func step(_ index: Int, free: inout Buffers, matched: inout Buffers, gathered: inout Buffers) {
            if index >= 2 { prefetchLinkTexts(of: gathered) }
            if index < items.count { match(items.baseAddress! + index, explaining: false, into: &free) }
            if index >= 1 && index <= items.count { gather(explaining: false, in: &matched) }
            if index >= 2 { verdicts.append(conclude(items.baseAddress! + index - 2, explaining: false, from: &gathered).verdict) }
        }
        // Each set of buffers moves one stage on from step to step: free, matched, gathered, free.
        var first = Buffers(), second = Buffers(), third = Buffers()
        for index in 0..<(items.count + 2) {
            switch index % 3 {
            case 0: step(index, free: &first, matched: &third, gathered: &second)
            case 1: step(index, free: &second, matched: &first, gathered: &third)
            default: step(index, free: &third, matched: &second, gathered: &first)
            }
        }
        return verdicts
    }

    /// Asks for the storage of the registry texts a link may copy, a step before the
    /// item is concluded (gathering asked for their addresses the step before).
    private func prefetchLinkTexts(of buffers: Buffers) {
        patternInfo.withUnsafeBufferPointer { infos in
            ownerTextAddress.withUnsafeBufferPointer { addresses in
                for mention in buffers.mentions {
                    let info = infos[Int(mention.pattern)]
                    for owner in Int(info.ownerStart)..<Int(info.ownerEnd) where addresses[owner] != 0 {
                        // The storage header, with the reference count, sits 32 bytes before the text.
                        wagewatch_prefetch(UnsafeRawPointer(bitPattern: addresses[owner] &- 24))
                    }
                }
            }
        }
    }

    /// Which field an offset of the folded text lies in, and each field's range.
    struct FieldBounds {
        let ends: (Int, Int, Int, Int)

        init(_ text: NormalizedText) {
            ends = (text.fieldStarts[1], text.fieldStarts[2], text.fieldStarts[3], text.scalars.count)
        }

        @inline(__always) func field(of offset: Int) -> Int {
            offset < ends.0 ? 0 : offset < ends.1 ? 1 : offset < ends.2 ? 2 : 3
        }

        @inline(__always) func range(_ field: Int) -> Range<Int> {
            switch field {
            case 0: 0..<ends.0
            case 1: ends.0..<ends.1
            case 2: ends.1..<ends.2
            default: ends.2..<ends.3
            }
        }
    }

    /// Stage one: folds the item's fields and finds the matches that lie within one
    /// field, in order of end and, for one end, longest first (a negation cue is then
    /// always seen before the terms after it).
    private func match(_ item: UnsafePointer<Item>, explaining: Bool, into buffers: inout Buffers) {
        // Concluding reads the item's id and numbers, which matching does not: ask for the record's lines.
        for line in stride(from: 0, to: MemoryLayout<Item>.size, by: 64) {
            wagewatch_prefetch(UnsafeRawPointer(item) + line)
        }
        buffers.text.removeAll()
        normalizer.append(item.pointee.title, to: &buffers.text, keepingOrigins: explaining)
        normalizer.append(item.pointee.content, to: &buffers.text, keepingOrigins: explaining)
        normalizer.append(item.pointee.respondent ?? "", to: &buffers.text, keepingOrigins: explaining)
        normalizer.append(item.pointee.location ?? "", to: &buffers.text, keepingOrigins: explaining)
        buffers.found.removeAll(keepingCapacity: true)
        let bounds = FieldBounds(buffers.text)
        let text = buffers.text
        patternInfo.withUnsafeBufferPointer { infos in
            // Each match's record is most likely not in the cache (a registry name is met
            // once in many texts): ask for all of them now, rather than wait for each later.
            text.scalars.withUnsafeBufferPointer { scalars in
                matcher.scan(scalars) { pattern, start, end in
                    guard bounds.field(of: start) == bounds.field(of: end - 1) else { return }
                    wagewatch_prefetch(infos.baseAddress! + pattern)
                    buffers.found.append(Found(end: Int32(end), start: Int32(start), pattern: Int32(pattern)))
                }
            }
        }
        // Found in order of start: by end, only overlapping matches are out of order, so an
        // insertion sort does little more than read them (and allocates nothing).
        buffers.found.withUnsafeMutableBufferPointer { found in
            sortByInsertion(found) { UInt64(UInt32($0.end)) << 32 | UInt64(UInt32($0.start)) }
        }
    }

    /// Stage two: what the matches mean: lexicon slots present per field (minus negated
    /// terms), tracked positions for proximity rules, terms and registry mentions.
    private func gather(explaining: Bool, in buffers: inout Buffers) {
        buffers.presence.removeAll(keepingCapacity: true)
        buffers.presence.append(contentsOf: repeatElement(0, count: slotWords * 4))
        buffers.tracked.removeAll(keepingCapacity: true)
        buffers.cueEnds.removeAll(keepingCapacity: true)
        buffers.termPatterns.removeAll(keepingCapacity: true)
        buffers.mentions.removeAll(keepingCapacity: true)
        buffers.occurrences.removeAll()
        let bounds = FieldBounds(buffers.text)
        let text = buffers.text
        let found = buffers.found
        patternInfo.withUnsafeBufferPointer { infos in
            owners.withUnsafeBufferPointer { owners in ownerText.withUnsafeBufferPointer { ownerText in
            ownerTextAddress.withUnsafeBufferPointer { ownerTextAddresses in
                for found in found {
                    let start = Int(found.start), end = Int(found.end), pattern = Int(found.pattern)
                    let at = bounds.field(of: start)
                    var negated = false
                    let info = infos[pattern]
                    if info.cueWindow >= 0 { buffers.cueEnds.append((end, Int(info.cueWindow))) }
                    let first = Int(info.slotStart), last = Int(info.slotEnd)
                    if first < last {
                        // A cue counts when it ends at most `window` characters before the term starts.
                        var cue = buffers.cueEnds.count - 1
                        while cue >= 0 && buffers.cueEnds[cue].end > start { cue -= 1 }
                        negated = cue >= 0 && buffers.cueEnds[cue].end >= start - buffers.cueEnds[cue].window
                            && bounds.field(of: buffers.cueEnds[cue].end - 1) == at
                        var counted = false
                        for entry in first..<last {
                            let slot = Int(slotList[entry])
                            if negated && slotNegatable[slot] { continue }
                            buffers.presence[at * slotWords + slot >> 6] |= 1 << UInt64(slot & 63)
                            if slotTracked[slot] {
                                buffers.tracked.append(Tracked(slot: Int32(slot), field: Int8(at), start: Int32(start), end: Int32(end)))
                            }
                            counted = true
                        }
                        if counted { buffers.termPatterns.append(Int32(pattern)) }
                    }
                    if info.isMention {
                        // Ranking reads the owners next, and the link their texts: bring them in meanwhile.
                        if info.hasOwners {
                            // Every cache line of the owners (a contractor may have sixteen).
                            var owner = Int(info.ownerStart)
                            while owner < Int(info.ownerEnd) {
                                wagewatch_prefetch(owners.baseAddress! + owner)
                                owner += 64 / MemoryLayout<Owner>.stride
                            }
                            wagewatch_prefetch(ownerText.baseAddress! + Int(info.ownerStart))
                            wagewatch_prefetch(ownerTextAddresses.baseAddress! + Int(info.ownerStart))
                        }
                        buffers.mentions.append(Mention(pattern: Int32(pattern), field: Int32(at)))
                    }
                    if explaining {
                        buffers.occurrences.append(occurrence(pattern, start: start, end: end, field: at, negated: negated, in: text))
                    }
                }
            }}}
        }
    }

    /// Stage three: rules, score, claim kind, link, story and sites.
    private func conclude(_ item: UnsafePointer<Item>, explaining: Bool, from buffers: inout Buffers)
        -> (verdict: ItemVerdict, explanation: Explanation?) {
        let text = buffers.text
        let bounds = FieldBounds(text)
        buffers.firedIndexes.removeAll(keepingCapacity: true)
        let presence = buffers.presence
        let tracked = buffers.tracked
        func isPresent(_ slot: Int, _ mask: Int) -> Bool {
            let word = slot >> 6, bit = UInt64(1) << UInt64(slot & 63)
            for at in 0..<4 where mask & (1 << at) != 0 && presence[at * slotWords + word] & bit != 0 {
                return true
            }
            return false
        }
        var scopedTexts: [Int: String] = [:]
        func scopedText(_ mask: Int) -> String {
            if let cached = scopedTexts[mask] { return cached }
            var view = String.UnicodeScalarView()
            for at in 0..<4 where mask & (1 << at) != 0 {
                for value in text.scalars[bounds.range(at)] { view.append(Unicode.Scalar(value)!) }
                view.append("\n")
            }
            let result = String(view)
            scopedTexts[mask] = result
            return result
        }
        func holds(_ condition: CompiledCondition, _ mask: Int) -> Bool {
            switch condition {
            case let .slot(slot): return isPresent(slot, mask)
            case let .regex(regex): return regex.matches(scopedText(mask))
            case let .near(slots, within):
                // Most texts lack some slot altogether: the presence bits say so without any allocation.
                guard slots.allSatisfy({ $0.contains { isPresent($0, mask) } }) else { return false }
                return nearHolds(slots, within: within, mask: mask, tracked: tracked)
            }
        }

        // Head count and amount: the record's own fields first, else what the text says.
        // Read only when a rule or the verdict needs them.
        var numbersRead = item.pointee.people != nil && item.pointee.amount != nil
        var people = item.pointee.people
        var amount = item.pointee.amount
        func readNumbers() {
            guard !numbersRead else { return }
            numbersRead = true
            let read = NumberReader.read(text.scalars[0..<bounds.ends.1])
            people = people ?? read.people
            amount = amount ?? read.amount
        }

        let mentionsRegistry = buffers.mentions.contains {
            patternInfo[Int($0.pattern)].hasOwners || patternInfo[Int($0.pattern)].township >= 0
        }
        var firedIndexes: [Int] = []
        swap(&firedIndexes, &buffers.firedIndexes)
        defer { swap(&firedIndexes, &buffers.firedIndexes) }
        func evaluate(_ index: Int) {
            let compiled = compiledRules[index]
            let mask = compiled.scopeMask
            let gate = ruleGates[index]
            if !gate.isEmpty {
                var open = false
                for word in 0..<slotWords where gate[word] != 0 {
                    var present: UInt64 = 0
                    for at in 0..<4 where mask & (1 << at) != 0 { present |= presence[at * slotWords + word] }
                    if present & gate[word] != 0 {
                        open = true
                        break
                    }
                }
                if !open { return }
            }
            let conditions = compiled.conditions
            if let kind = conditions.kind, kind != item.pointee.kind { return }
            if !conditions.channels.isEmpty && !(item.pointee.channel.map(conditions.channels.contains) ?? false) { return }
            if compiled.needsNumbers { readNumbers() }
            if let comparison = conditions.people, !(people.map { comparison.holds(for: Double($0)) } ?? false) { return }
            if let comparison = conditions.amount, !(amount.map(comparison.holds(for:)) ?? false) { return }
            if let wanted = conditions.mentionsRegistry, wanted != mentionsRegistry { return }
            guard compiled.all.allSatisfy({ holds($0, mask) }),
                  !compiled.none.contains(where: { holds($0, mask) }),
                  compiled.any.isEmpty || compiled.any.contains(where: { holds($0, mask) })
            else { return }
            firedIndexes.append(index)
        }
        // First the rules that decide whether this is a signal at all; escalation and
        // score rules only qualify signals, so most items never need them.
        for index in decidingRules { evaluate(index) }
        let isSignal = firedIndexes.contains { compiledRules[$0].effect == .signal }
            && !firedIndexes.contains { compiledRules[$0].effect == .noise }
        if isSignal || explaining {
            for index in qualifyingRules { evaluate(index) }
            firedIndexes.sort()
            readNumbers()
        }

        var assessment = ItemAssessment(
            itemID: item.pointee.id, score: 0, isSignal: false, claim: .wage, isEscalation: false, isResolved: false,
            firedRules: [], matchedTerms: [], people: people, amount: amount)
        if isSignal || explaining {
            // Each term once, in order of first occurrence.
            for (index, pattern) in buffers.termPatterns.enumerated()
            where !buffers.termPatterns[..<index].contains(pattern) {
                assessment.matchedTerms.append(termText[Int(patternInfo[Int(pattern)].slotStart)])
            }
        }
        var sawNoise = false
        var level = SignalLevel.none
        assessment.firedRules.reserveCapacity(firedIndexes.count)
        for index in firedIndexes {
            let compiled = compiledRules[index]
            assessment.firedRules.append(compiled.rule.id)
            assessment.score += compiled.rule.weight
            switch compiled.effect {
            case .signal: assessment.isSignal = true
            case .projectPayment: assessment.claim = .projectPayment
            case .escalation: assessment.isEscalation = true
            case .resolved: assessment.isResolved = true
            case .noise: sawNoise = true
            case .score: break
            }
            switch compiled.effect {
            case .signal, .escalation, .projectPayment: level = max(level, compiled.rule.level)
            default: break
            }
        }
        if sawNoise { assessment.isSignal = false }
        // Escalation and claim kind qualify a signal; on anything else they mean nothing.
        if !assessment.isSignal {
            level = .none
            assessment.isEscalation = false
            assessment.claim = .wage
        }
        assessment.level = level
        assessment.score = max(0, assessment.score)

        let candidates = rankCandidates(buffers.mentions, explaining: explaining)
        let link = decideLink(itemID: item.pointee.id, candidates: candidates)
        // Stories group signals; an item that is none needs no fingerprint (rescoring makes one if it becomes one).
        let content = text.range(ofField: 1).isEmpty ? text.range(ofField: 0) : text.range(ofField: 1)
        let storyKey = assessment.isSignal || explaining
            ? StoryFingerprint.hex(StoryFingerprint.fingerprint(text.scalars[content])) : ""
        let sites = assessment.isSignal && link == nil
            ? SiteMentionFinder.sites(inFolded: text.scalars[0..<bounds.ends.1]) : []
        let verdict = ItemVerdict(assessment: assessment, link: link, storyKey: storyKey, sites: sites)

        guard explaining else { return (verdict, nil) }
        // The folded text as a reader may see it: folded from the masked copy, so
        // that digits brought together by folding cannot escape the masking.
        var normalized: [Rulebook.Field: String] = [:]
        let names = [item.pointee.petitioner, item.pointee.phone].compactMap { $0 }
        for (field, fieldText) in zip(Rulebook.Field.allCases, [item.pointee.title, item.pointee.content, item.pointee.respondent ?? "", item.pointee.location ?? ""]) {
            normalized[field] = normalizer.normalize(PersonalDataMasker.mask(fieldText, names: names))
        }
        let explained = candidates.map { candidate in
            Explanation.Candidate(projectID: projects[candidate.project].id, name: projects[candidate.project].name,
                                  confidence: candidate.confidence, evidence: evidence(of: candidate))
        }
        return (verdict, Explanation(verdict: verdict, normalized: normalized, occurrences: buffers.occurrences,
                                     firedRules: firedIndexes.map { compiledRules[$0].rule }, candidates: explained))
    }

    private func occurrence(_ pattern: Int, start: Int, end: Int, field: Int, negated: Bool,
                            in text: NormalizedText) -> Explanation.Occurrence {
        var meanings: [String] = []
        let info = patternInfo[pattern]
        for entry in Int(info.slotStart)..<Int(info.slotEnd) {
            let name = slotNames[Int(slotList[entry])]
            meanings.append(name.hasPrefix("=") ? "term" : "lexicon:\(name)")
        }
        if info.cueWindow >= 0 { meanings.append("negation") }
        for owner in owners[Int(info.ownerStart)..<Int(info.ownerEnd)] {
            meanings.append("registry:\(projects[Int(owner.project)].id) (\(owner.kind.rawValue))")
        }
        if info.township >= 0 { meanings.append("township") }
        if info.type >= 0 { meanings.append("project_type") }
        // The original bytes run to where the next folded scalar of the field came from.
        let fieldEnd = field + 1 < text.fieldStarts.count ? text.fieldStarts[field + 1] : text.scalars.count
        let originEnd = end < fieldEnd ? Int(text.origins[end]) : text.fieldByteCounts[field]
        return Explanation.Occurrence(
            text: patternText(pattern), field: Rulebook.Field.allCases[field], range: start..<end,
            originalRange: Int(text.origins[start])..<originEnd, meanings: meanings, isNegated: negated)
    }

    /// Whether one alternative of every slot occurs in the scoped fields within a span of `within` characters.
    private func nearHolds(_ slots: [[Int]], within: Int, mask: Int, tracked: [Tracked]) -> Bool {
        var events: [(start: Int, end: Int, slot: Int)] = []
        for occurrence in tracked where mask & (1 << Int(occurrence.field)) != 0 {
            for (index, alternatives) in slots.enumerated() where alternatives.contains(Int(occurrence.slot)) {
                events.append((Int(occurrence.start), Int(occurrence.end), index))
            }
        }
        guard Set(events.map(\.slot)).count == slots.count else { return false }
        events.sort { $0.start < $1.start }
        // Smallest window over start order that holds every slot.
        var counts = [Int](repeating: 0, count: slots.count)
        var covered = 0
        var left = 0
        for right in events.indices {
            if counts[events[right].slot] == 0 { covered += 1 }
            counts[events[right].slot] += 1
            while covered == slots.count {
                let span = events[left...right].map(\.end).max()! - events[left].start
                if span <= within { return true }
                counts[events[left].slot] -= 1
                if counts[events[left].slot] == 0 { covered -= 1 }
                left += 1
            }
        }
        return false
    }

    /// One piece of link evidence, kept as indexes until a person needs the words.
    struct Clue: Equatable {
        var kind: MentionKind
        /// The pattern found, or -1 for township evidence.
        var pattern: Int
        /// The registry name the pattern stands for: a full name and its short
        /// form found in one text are one piece of evidence, not two. For township
        /// evidence, the township's number.
        var display: Int32

        static func == (lhs: Clue, rhs: Clue) -> Bool {
            lhs.kind == rhs.kind && lhs.display == rhs.display
        }
    }

    struct Candidate {
        var project: Int
        var confidence: Double
        var clues: [Clue]
    }

    /// One candidate while ranking: its project, its entries in `keys`, and what it scores.
    struct Group {
        var project: Int
        var entries: Range<Int>
        var confidence: Double
        var type: (type: Int32, pattern: Int)?
        /// The project's township when the text names it, else -1.
        var township: Int32
    }

    /// One piece of registry evidence while ranking.
    struct Entry {
        var clue: Clue
        var weight: Double
        var traits: ProjectTraits
    }

    /// Projects the mentions point at, best first (only the best two unless explaining,
    /// and then only the best with its clues: the second tells a tie, nothing more).
    ///
    /// Every piece of registry evidence becomes one entry; sorting the entries by
    /// project gathers each candidate's evidence without hashing, and a contractor
    /// that runs many projects costs a sort of a few dozen integers. The entries live
    /// in scratch memory of the call; only the candidates returned get their clues
    /// written out.
    func rankCandidates(_ mentions: [Mention], explaining: Bool) -> [Candidate] {
        var total = 0
        for mention in mentions {
            let info = patternInfo[Int(mention.pattern)]
            total += Int(info.ownerEnd - info.ownerStart) * (mention.field == Self.respondentField ? 2 : 1)
        }
        guard total > 0 else { return [] }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: total) { keys in
            withUnsafeTemporaryAllocation(of: Entry.self, capacity: total) { entries in
                rank(mentions, keys: keys, entries: entries, explaining: explaining)
            }
        }
    }

    private static let respondentField: Int32 = 2

    private func rank(_ mentions: [Mention], keys: UnsafeMutableBufferPointer<UInt64>,
                      entries: UnsafeMutableBufferPointer<Entry>, explaining: Bool) -> [Candidate] {
        projectIDs.withUnsafeBufferPointer { projectIDs in
            rank(mentions, keys: keys, entries: entries, explaining: explaining, projectIDs: projectIDs)
        }
    }

    private func rank(_ mentions: [Mention], keys: UnsafeMutableBufferPointer<UInt64>,
                      entries: UnsafeMutableBufferPointer<Entry>, explaining: Bool,
                      projectIDs: UnsafeBufferPointer<String>) -> [Candidate] {
        // Entry i: project in the high half of keys (with i in the low half, for a stable order).
        var count = 0
        func add(_ project: Int32, _ entry: Entry) {
            keys[count] = UInt64(project) << 32 | UInt64(count)
            entries.initializeElement(at: count, to: entry)
            count += 1
        }
        var typeBits: UInt64 = 0
        var namesTownship = false
        for mention in mentions {
            let pattern = Int(mention.pattern)
            let info = patternInfo[pattern]
            if info.type >= 0 { typeBits |= 1 << UInt64(info.type) }
            if info.township >= 0 { namesTownship = true }
            guard info.hasOwners else { continue }
            let shared = Double(info.sharedBy)
            for owner in owners[Int(info.ownerStart)..<Int(info.ownerEnd)] {
                // The link names the winner's id: ask for every candidate's while ranking.
                wagewatch_prefetch(projectIDs.baseAddress! + Int(owner.project))
                add(owner.project, Entry(clue: Clue(kind: owner.kind, pattern: pattern, display: owner.display),
                                         weight: kindWeights[Int(owner.kindIndex)] / shared, traits: owner.traits))
                if mention.field == Self.respondentField {
                    add(owner.project, Entry(clue: Clue(kind: .respondent, pattern: pattern, display: owner.display),
                                             weight: respondentBonus / shared, traits: owner.traits))
                }
            }
        }
        defer { entries.baseAddress!.deinitialize(count: count) }
        var keys = UnsafeMutableBufferPointer(rebasing: keys[..<count])
        // Most texts give a few dozen entries at most, in runs already in order (one per
        // mention): sorted in place, where the standard sort allocates a merge buffer.
        if count <= 64 {
            sortByInsertion(keys) { $0 }
        } else {
            keys.sort()
        }

        func ranksBefore(_ lhs: Group, _ rhs: Group) -> Bool {
            lhs.confidence != rhs.confidence ? lhs.confidence > rhs.confidence : lhs.project < rhs.project
        }
        func clue(_ index: Int) -> Clue { entries[Int(keys[index] & 0xFFFF_FFFF)].clue }
        func isFirst(_ index: Int, in group: Range<Int>) -> Bool {
            // One count per project, kind and text.
            let found = clue(index)
            return !(group.lowerBound..<index).contains { clue($0) == found }
        }
        // Township and project-type words only tell candidates apart; they never make one.
        func townshipNamed(_ township: Int32) -> Bool {
            namesTownship && township >= 0 && mentions.contains { patternInfo[Int($0.pattern)].township == township }
        }
        var groups: [Group] = []
        var best: Group?
        var second: Group?
        var first = 0
        while first < keys.count {
            let project = keys[first] >> 32
            var last = first + 1
            while last < keys.count && keys[last] >> 32 == project { last += 1 }
            var group = Group(project: Int(project), entries: first..<last, confidence: 0, type: nil, township: -1)
            for index in first..<last where isFirst(index, in: first..<last) {
                group.confidence += entries[Int(keys[index] & 0xFFFF_FFFF)].weight
            }
            let traits = entries[Int(keys[first] & 0xFFFF_FFFF)].traits
            if townshipNamed(traits.township) {
                group.confidence += townshipWeight
                group.township = traits.township
            }
            if traits.types & typeBits != 0, let mention = mentions.first(where: {
                let type = patternInfo[Int($0.pattern)].type
                return type >= 0 && traits.types & 1 << UInt64(type) != 0
            }) {
                group.confidence += projectTypeWeight
                group.type = (patternInfo[Int(mention.pattern)].type, Int(mention.pattern))
            }
            // The verdict needs only the best two, and a tie between them.
            if explaining {
                groups.append(group)
            } else if best == nil || ranksBefore(group, best!) {
                second = best
                best = group
            } else if second == nil || ranksBefore(group, second!) {
                second = group
            }
            first = last
        }
        func candidate(_ group: Group, withClues: Bool = true) -> Candidate {
            var result = Candidate(project: group.project, confidence: group.confidence, clues: [])
            guard withClues else { return result }
            for index in group.entries where isFirst(index, in: group.entries) { result.clues.append(clue(index)) }
            if group.township >= 0 { result.clues.append(Clue(kind: .township, pattern: -1, display: group.township)) }
            if let type = group.type { result.clues.append(Clue(kind: .projectType, pattern: type.pattern, display: -1)) }
            return result
        }
        guard explaining else {
            guard let best else { return [] }
            return [candidate(best)] + (second.map { [candidate($0, withClues: false)] } ?? [])
        }
        return groups.sorted(by: ranksBefore).map { candidate($0) }
    }

    /// The clues of a candidate in words: the registry's own spelling of what was found.
    func evidence(of candidate: Candidate) -> [LinkEvidence] {
        candidate.clues.map { clue in
            switch clue.kind {
            case .township:
                return LinkEvidence(kind: .township, text: townshipNames[Int(clue.display)])
            case .projectType:
                return LinkEvidence(kind: .projectType, text: patternText(clue.pattern))
            default:
                // The registry's own spelling of the text found (for the respondent clue,
                // whatever registry text the 被反映对象 field held).
                let info = patternInfo[clue.pattern]
                let entry = (Int(info.ownerStart)..<Int(info.ownerEnd)).first {
                    Int(owners[$0].project) == candidate.project && (clue.kind == .respondent || owners[$0].kind == clue.kind)
                }
                return LinkEvidence(kind: clue.kind, text: entry.map { ownerText[$0] } ?? patternText(clue.pattern))
            }
        }
    }

    func decideLink(itemID: String, candidates: [Candidate]) -> ProjectLink? {
        let settings = rulebook.linking
        guard let best = candidates.first, best.confidence >= settings.reviewThreshold else { return nil }
        // Two projects equally likely cannot be told apart here: a clerk decides.
        let isTied = candidates.count > 1 && candidates[1].confidence >= best.confidence - 1e-9
        let band: LinkBand = best.confidence >= settings.linkThreshold && !isTied ? .link : .review
        return ProjectLink(itemID: itemID, projectID: projectIDs[best.project], band: band,
                           confidence: min(1, best.confidence), evidence: evidence(of: best))
    }
}

/// Sorts `items` in place by `key`, ascending, keeping equal keys in their order:
/// for short or nearly sorted buffers, where it does little more than read them and
/// allocates nothing.
@inline(__always)
func sortByInsertion<Element>(_ items: UnsafeMutableBufferPointer<Element>, by key: (Element) -> UInt64) {
    for index in items.indices.dropFirst() {
        let moving = items[index]
        let movingKey = key(moving)
        var hole = index
        while hole > 0 && key(items[hole - 1]) > movingKey {
            items[hole] = items[hole - 1]
            hole -= 1
        }
        items[hole] = moving
    }
}
