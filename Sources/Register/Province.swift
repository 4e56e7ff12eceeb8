import Foundation
import Model
import RulesFile
import Yams

/// A province of cities (省级汇总): each city has a store of its own (a SQLite file, or a
/// schema of one PostgreSQL database), with its own registry, feeds, ledgers and
/// accounts. The province reads every city's store and rolls their registers up.
/// Written in a YAML file (`province.yaml`):
///
/// ```yaml
/// name: 示例省
/// cities:
///   - code: jiashi        # letters, digits and _; the city's address on the province's pages
///     name: 甲市
///     store: postgres://wagewatch@127.0.0.1:5432/wagewatch?schema=jiashi
/// ```
public struct ProvinceConfig: Sendable, Equatable {
    public struct City: Sendable, Equatable {
        public var code: String
        public var name: String
        /// Where the city's store is: a file path (SQLite) or a `postgres://` address.
        public var store: String
        /// The line of the file the city's entry starts on.
        public var line: Int

        public init(code: String, name: String, store: String, line: Int = 0) {
            self.code = code
            self.name = name
            self.store = store
            self.line = line
        }
    }

    public var name: String
    public var cities: [City]

    public init(name: String, cities: [City]) {
        self.name = name
        self.cities = cities
    }

    /// Reads `file`; every error names the file, line and field. A relative `store` path is
    /// read from the file's folder.
    public static func load(file: URL) throws(RulesError) -> ProvinceConfig {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw .invalid(file: file.path, line: nil, column: nil, reason: "cannot be read as UTF-8 text")
        }
        var config = try parse(text, file: file.lastPathComponent)
        let folder = file.deletingLastPathComponent()
        for index in config.cities.indices where !isAddress(config.cities[index].store) {
            let store = config.cities[index].store
            config.cities[index].store =
                (store.hasPrefix("/") ? URL(fileURLWithPath: store) : folder.appendingPathComponent(store)).standardizedFileURL.path
        }
        // Two spellings of one file (a.sqlite, ./a.sqlite) are one store.
        for (index, city) in config.cities.enumerated() {
            if let other = config.cities[..<index].first(where: { $0.store == city.store }) {
                throw .invalid(
                    file: file.lastPathComponent, line: city.line, column: nil,
                    reason: "field store: cities \(other.code) and \(city.code) name the same store")
            }
        }
        return config
    }

    /// Whether `store` is a PostgreSQL address rather than a SQLite file.
    static func isAddress(_ store: String) -> Bool {
        store.hasPrefix("postgres://") || store.hasPrefix("postgresql://")
    }

    /// Reads the text of a province file named `file` (for its errors).
    public static func parse(_ text: String, file: String) throws(RulesError) -> ProvinceConfig {
        let reader = RulesFileReader(file: file)
        guard let root = try reader.root(of: text) else { throw reader.failure(nil, "the file is empty; it needs name and cities") }
        var name: String?
        var cityNodes: [Node]?
        for (key, node, _) in try reader.mapping(root, "the province", allowed: ["name", "cities"]) {
            switch key {
            case "name": name = try reader.string(node, "name")
            default: cityNodes = try reader.sequence(node, "cities")
            }
        }
        guard let name, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw reader.failure(root, "the province needs a name (name: 某省)")
        }
        guard let cityNodes, !cityNodes.isEmpty else { throw reader.failure(root, "the province needs at least one city under cities") }
        var cities: [City] = []
        for node in cityNodes {
            var fields: [String: String] = [:]
            for (key, value, _) in try reader.mapping(node, "a city", allowed: ["code", "name", "store"]) {
                fields[key] = try reader.string(value, "the city's \(key)")
            }
            for field in ["code", "name", "store"] where (fields[field] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw reader.failure(node, "a city needs its \(field)")
            }
            // swift-format-ignore: NeverForceUnwrap
            // (each field was checked just above)
            let city = City(code: fields["code"]!, name: fields["name"]!, store: fields["store"]!, line: node.mark?.line ?? 0)
            guard city.code.count <= 40, city.code.unicodeScalars.first?.isASCIILetter == true,
                city.code.unicodeScalars.allSatisfy({ $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "_" })
            else {
                throw reader.failure(
                    node, "field code: a city's code is up to 40 letters, digits and _, beginning with a letter, not \(city.code)")
            }
            if let other = cities.first(where: { $0.code == city.code || $0.name == city.name }) {
                throw reader.failure(node, "two cities share the code or name \(other.code == city.code ? city.code : city.name)")
            }
            if let other = cities.first(where: { $0.store == city.store }) {
                throw reader.failure(node, "field store: cities \(other.code) and \(city.code) name the same store")
            }
            cities.append(city)
        }
        return ProvinceConfig(name: name, cities: cities)
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

/// One city as the province sees it: its totals, its departments and its flagged
/// projects, from the city's register of the day; or why it could not be read.
public struct CityRollup: Codable, Hashable, Sendable {
    /// The form of a roll-up and of the register it sums: a roll-up kept in a city's store
    /// by another form is made anew. Moves whenever what a register says of the same data
    /// changes.
    public static let form = 2

    /// A flagged project, as the province's pages list it.
    public struct FlaggedProject: Codable, Hashable, Sendable {
        public var projectID: String
        public var name: String
        public var department: String
        public var township: String?
        public var sensitive: Bool
        public var flags: [RiskFlag]
        public var score: Double

        enum CodingKeys: String, CodingKey {
            case projectID = "project_id"
            case name, department, township, sensitive, flags, score
        }

        public init(
            projectID: String, name: String, department: String, township: String?, sensitive: Bool, flags: [RiskFlag],
            score: Double
        ) {
            self.projectID = projectID
            self.name = name
            self.department = department
            self.township = township
            self.sensitive = sensitive
            self.flags = flags
            self.score = score
        }
    }

    public var code: String
    public var name: String
    public var asOf: Day?
    /// When the city's register was read.
    public var madeAt: Date?
    /// The city's departments summed: `department` holds the city's name.
    public var total: RegisterReport.DepartmentEntry
    public var sensitiveFlagged: Int = 0
    public var escalatingProjects: Int = 0
    public var unregisteredSites: Int = 0
    public var signalsToday: Int = 0
    public var sourceWarnings: Int = 0
    public var departments: [RegisterReport.DepartmentEntry] = []
    /// Flagged projects, sensitive first, then by score.
    public var flagged: [FlaggedProject] = []
    public var newFlags: [DailyBrief.FlagChange] = []
    public var clearedFlags: [DailyBrief.FlagChange] = []
    public var topStories: [DailyBrief.Story] = []
    /// Why the city's register could not be made (the province shows the others).
    public var failure: String?

    enum CodingKeys: String, CodingKey {
        case code, name
        case asOf = "as_of"
        case madeAt = "made_at"
        case total
        case sensitiveFlagged = "sensitive_flagged"
        case escalatingProjects = "escalating_projects"
        case unregisteredSites = "unregistered_sites"
        case signalsToday = "signals_today"
        case sourceWarnings = "source_warnings"
        case departments, flagged
        case newFlags = "new_flags"
        case clearedFlags = "cleared_flags"
        case topStories = "top_stories"
        case failure
    }

    /// The roll-up of a city's register and daily list.
    public init(code: String, name: String, register: RegisterReport, brief: DailyBrief, madeAt: Date) {
        self.code = code
        self.name = name
        asOf = register.asOf
        self.madeAt = madeAt
        total = .sum(of: register.departments, named: name)
        departments = register.departments
        flagged = register.projects.lazy.filter { !$0.flags.isEmpty }
            .map {
                FlaggedProject(
                    projectID: $0.projectID, name: $0.name, department: $0.department, township: $0.township,
                    sensitive: $0.sensitive, flags: $0.flags, score: $0.weightedScore)
            }
            .sorted { ($0.sensitive ? 1 : 0, $0.score, $1.projectID) > ($1.sensitive ? 1 : 0, $1.score, $0.projectID) }
        sensitiveFlagged = flagged.lazy.filter(\.sensitive).count
        escalatingProjects = brief.escalatingProjects
        unregisteredSites = register.unregistered.count
        signalsToday = brief.signalsToday
        sourceWarnings = register.sourceHealth.count
        newFlags = brief.newFlags
        clearedFlags = brief.clearedFlags
        topStories = brief.topStories
    }

    /// The same roll-up under the city's `code` and `name` (a city keeps its own without them).
    public func named(code: String, name: String) -> CityRollup {
        var rollup = self
        rollup.code = code
        rollup.name = name
        rollup.total.department = name
        return rollup
    }

    /// A city whose register could not be made.
    public init(code: String, name: String, failure: String) {
        self.code = code
        self.name = name
        total = RegisterReport.DepartmentEntry(department: name)
        self.failure = failure
    }
}

extension CityRollup {
    /// The roll-up as a city keeps it in its store: its JSON without the flagged projects,
    /// a newline, then one line per flagged project (id, name, department, township,
    /// sensitive, flags, score; tab-separated, tabs, newlines and backslashes escaped). A
    /// city of 100,000 projects flags tens of thousands: read through `JSONDecoder` they
    /// took a quarter of a second a city, as lines a fraction of that.
    public func keptForm() throws -> String {
        var head = self
        head.flagged = []
        var text = String(decoding: try JSONEncoder().encode(head), as: UTF8.self)
        text.reserveCapacity(text.utf8.count + flagged.count * 96)
        for project in flagged {
            text += "\n"
            text += Self.escaped(project.projectID)
            text += "\t"
            text += Self.escaped(project.name)
            text += "\t"
            text += Self.escaped(project.department)
            text += "\t"
            text += project.township.map { "=" + Self.escaped($0) } ?? ""
            text += project.sensitive ? "\t1\t" : "\t0\t"
            text += project.flags.map(\.rawValue).joined(separator: ",")
            text += "\t"
            text += "\(project.score)"
        }
        return text
    }

    /// The roll-up `keptForm` wrote; nil for anything else (another version's form).
    public init?(keptForm text: String) {
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)[...]
        guard let head = lines.popFirst(), var rollup = try? JSONDecoder().decode(CityRollup.self, from: Data(head)) else {
            return nil
        }
        rollup.flagged.reserveCapacity(lines.count)
        for line in lines {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            guard fields.count == 7, let sensitive = fields[4].first, let score = Double(String(decoding: fields[6], as: UTF8.self))
            else { return nil }
            var flags: [RiskFlag] = []
            for name in fields[5].split(separator: UInt8(ascii: ",")) {
                guard let flag = RiskFlag(rawValue: String(decoding: name, as: UTF8.self)) else { return nil }
                flags.append(flag)
            }
            let township = fields[3].first == UInt8(ascii: "=") ? Self.unescaped(fields[3].dropFirst()) : nil
            rollup.flagged.append(
                FlaggedProject(
                    projectID: Self.unescaped(fields[0]), name: Self.unescaped(fields[1]), department: Self.unescaped(fields[2]),
                    township: township, sensitive: sensitive == UInt8(ascii: "1"), flags: flags, score: score))
        }
        self = rollup
    }

    private static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") })
        else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func unescaped(_ field: some Collection<UInt8>) -> String {
        guard field.contains(UInt8(ascii: "\\")) else { return String(decoding: field, as: UTF8.self) }
        var out: [UInt8] = []
        var escaping = false
        for byte in field {
            if escaping {
                out.append(byte == UInt8(ascii: "t") ? UInt8(ascii: "\t") : byte == UInt8(ascii: "n") ? UInt8(ascii: "\n") : byte)
                escaping = false
            } else if byte == UInt8(ascii: "\\") {
                escaping = true
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The provincial scorecard and daily list (省级汇总): every city's roll-up, worst first
/// (as the departments of a city are ordered), then each city's departments worst first.
public struct ProvinceRollup: Codable, Hashable, Sendable {
    public var province: String
    public var asOf: Day
    public var cities: [CityRollup]

    enum CodingKeys: String, CodingKey {
        case province
        case asOf = "as_of"
        case cities
    }

    public init(province: String, asOf: Day, cities: [CityRollup]) {
        self.province = province
        self.asOf = asOf
        // A city that could not be read comes first: its silence is not "no risk".
        self.cities = cities.sorted { lhs, rhs in
            if (lhs.failure == nil) != (rhs.failure == nil) { return lhs.failure != nil }
            return RegisterReport.DepartmentEntry.worstFirst(lhs.total, rhs.total)
        }
    }

    /// The province's totals.
    public var total: RegisterReport.DepartmentEntry { .sum(of: cities.map(\.total), named: province) }

    /// The flags raised since the day before in every city, each with its city's name.
    public var newFlags: [(city: String, change: DailyBrief.FlagChange)] {
        cities.flatMap { city in city.newFlags.map { (city.name, $0) } }
    }

    /// The widest stories of every city: escalating first, then by copies.
    public var topStories: [(city: String, story: DailyBrief.Story)] {
        cities.flatMap { city in city.topStories.map { (city.name, $0) } }
            .sorted { ($0.story.escalating ? 1 : 0, $0.story.spread.copies) > ($1.story.escalating ? 1 : 0, $1.story.spread.copies) }
    }
}

extension RegisterReport.DepartmentEntry {
    /// The lines added up, under `name`.
    static func sum(of lines: [Self], named name: String) -> Self {
        var total = Self(department: name)
        for line in lines { total.add(line) }
        return total
    }
}
