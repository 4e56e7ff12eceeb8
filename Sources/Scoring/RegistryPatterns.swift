import Model

/// The registry's part of the pattern table, taken project by project in order: names
/// and their owners, companies (each worked out once), townships, each project's types
/// and township, and the stamp of the registry's text. A struct of its own, so that the
/// closure that feeds it while other cores make names reaches it as one variable.
struct RegistryPatterns {
    var builder: PatternTableBuilder
    let homophones: [String]
    /// Each company's patterns (its name, then its short forms), worked out the first time it is seen.
    var companyPatterns: [ByteKey: [Int32]] = [:]
    var townships: [ByteKey: Int32] = [:]
    var townshipOfProject: [Int32] = []
    var typesOfProject: [UInt64] = []
    var typeWordsOfProject: [UInt64] = []
    var stamp = StableHash.Accumulator()
    var placeNames: [String] = []
    /// The registry texts of the project being taken, numbered.
    var displays: [String] = []

    init(builder: PatternTableBuilder, homophones: [String]) {
        self.builder = builder
        self.homophones = homophones
    }

    mutating func take(_ project: Project, _ index: Int, _ names: ProjectNames) {
        // Every name with its kind and the registry spelling that evidence shows (a
        // short form found in a text shows the full name it stands for). The same
        // registry text within one project is one piece of evidence: the project's
        // distinct texts are numbered (a handful, compared in place rather than hashed).
        // No array is made per project: a registry holds a hundred thousand of them.
        displays.removeAll(keepingCapacity: true)
        func displayID(_ display: String) -> Int32 {
            let id = displays.firstIndex { $0.hasSameBytes(as: display) } ?? displays.count
            if id == displays.count { displays.append(display) }
            return Int32(id)
        }
        func addCompany(_ company: String, _ kind: MentionKind) {
            // One contractor runs many projects: fold and look up its name and short forms once.
            let key = ByteKey(company)
            let patterns =
                companyPatterns[key]
                ?? ([company] + RegistryNames.companyVariants(company)).compactMap {
                    builder.ownerPattern($0, kind: kind)
                }
            companyPatterns[key] = patterns
            let id = displayID(company)
            for pattern in patterns {
                builder.addOwner(pattern: pattern, project: Int32(index), kind: kind, display: company, displayID: id)
            }
        }
        // The table's slots are far apart in memory: ask for all of this project's at once.
        for entry in names.entries { builder.prefetch(hash: entry.hash) }
        names.scalars.withUnsafeBufferPointer { scalars in
            for entry in names.entries {
                let pattern = builder.ownerPattern(
                    folded: UnsafeBufferPointer(rebasing: scalars[Int(entry.start)..<Int(entry.end)]), hash: entry.hash)
                builder.addOwner(
                    pattern: pattern, project: Int32(index), kind: entry.kind, display: entry.display,
                    displayID: displayID(entry.display), share: entry.share)
            }
        }
        for subcontractor in project.subcontractors { addCompany(subcontractor, .subcontractor) }
        if let contractor = project.contractor { addCompany(contractor, .contractor) }
        if let builderName = project.builder { addCompany(builderName, .builder) }
        if let township = project.township, !township.isEmpty {
            let known = townships[ByteKey(township)]
            let townshipIsNew = known == nil
            let id = known ?? Int32(townships.count)
            townships[ByteKey(township)] = id
            townshipOfProject.append(id)
            if townshipIsNew {
                // Each township's variants once: a registry has a hundred thousand projects and a few hundred townships.
                for variant in NameTokenizer.townshipVariants(township, homophones: homophones) {
                    builder.addTownship(variant, id: id)
                    placeNames.append(variant)
                }
            }
        } else {
            townshipOfProject.append(-1)
        }
        typesOfProject.append(names.types)
        typeWordsOfProject.append(names.typeWords)
        // Field by field, in this order (no array made per project).
        stamp.add(text: project.id)
        stamp.add(text: project.name)
        stamp.add(text: project.builder ?? "")
        stamp.add(text: project.contractor ?? "")
        stamp.add(text: project.department)
        stamp.add(text: project.township ?? "")
        stamp.add(text: project.funding?.rawValue ?? "")
        stamp.add(text: project.status.rawValue)
        stamp.add(text: "\u{1D}")
        for alias in project.aliases { stamp.add(text: alias) }
        stamp.add(text: "\u{1D}")
        for subcontractor in project.subcontractors { stamp.add(text: subcontractor) }
        stamp.add(text: "\u{1D}")
        for tag in project.tags { stamp.add(text: tag.rawValue) }
        stamp.add(text: "\u{1D}")
    }
}

/// What one registry project adds to the pattern table besides its companies and its
/// township: its tokens, its name and aliases with their variants and compounds, each
/// with the registry spelling it shows, and the project types its name and aliases hold.
struct ProjectNames: Sendable {
    struct Entry: Sendable {
        var kind: MentionKind
        var display: String
        /// A token's share of the name (see `NameTokenizer.Token`); 0 for the rest.
        var share: UInt8
        /// The text folded, `scalars[start ..< end]`, and its hash in the pattern table.
        var start: Int32
        var end: Int32
        var hash: UInt64
    }

    /// Names long enough to be evidence, in the order the table takes them.
    var entries: [Entry] = []
    var scalars: [UInt32] = []
    /// A bit per project type (the rulebook's types, in order of name).
    var types: UInt64 = 0
    /// The type words (by `typeWordBit`) the name and aliases hold themselves.
    var typeWords: UInt64 = 0

    /// A type word's bit: its index among all type words, modulo 64 (exact up to 64 words;
    /// beyond, two words may share a bit, which only blurs a tie-break).
    static func typeWordBit(_ word: Int) -> UInt64 { 1 << UInt64(word & 63) }

    init(
        _ project: Project, tokenizer: NameTokenizer, normalizer: TextNormalizer, typeMatcher: PatternMatcher,
        typeOfWord: [Int32]
    ) {
        // Folded and hashed here, so that the table (one core) only looks them up.
        func add(_ text: String, _ kind: MentionKind, shows display: String, share: UInt8 = 0) {
            let start = scalars.count
            let length = normalizer.appendFolded(text, to: &scalars)
            guard PatternTableBuilder.isEvidence(length: length, kind: kind) else {
                scalars.removeLast(length)
                return
            }
            entries.append(
                Entry(
                    kind: kind, display: display, share: share, start: Int32(start), end: Int32(scalars.count),
                    hash: PatternTableBuilder.hash(scalars[start...])))
        }
        for token in tokenizer.tokens(
            name: project.name, aliases: project.aliases, township: project.township,
            companies: [project.contractor, project.builder].compactMap { $0 } + project.subcontractors)
        {
            add(token.text, .token, shows: token.text, share: token.share)
        }
        add(project.name, .name, shows: project.name)
        for variant in RegistryNames.projectVariants(project.name) { add(variant, .name, shows: project.name) }
        for alias in project.aliases {
            add(alias, .alias, shows: alias)
            for variant in RegistryNames.aliasVariants(alias, name: project.name) { add(variant, .alias, shows: alias) }
        }
        for (compound, source) in tokenizer.compounds(name: project.name, aliases: project.aliases) {
            add(compound, .alias, shows: source)
        }
        var scratch: [UInt32] = []
        var types: UInt64 = 0
        var typeWords: UInt64 = 0
        for text in [project.name] + project.aliases {
            scratch.removeAll(keepingCapacity: true)
            normalizer.appendFolded(text, to: &scratch)
            scratch.withUnsafeBufferPointer { buffer in
                typeMatcher.scan(buffer) { pattern, _, _ in
                    types |= 1 << UInt64(typeOfWord[pattern])
                    typeWords |= Self.typeWordBit(pattern)
                }
            }
        }
        self.types = types
        self.typeWords = typeWords
    }
}
