import Foundation
import GRDB
import Model
import PostgresNIO

/// JSON text for list columns, and back.
enum StoreCoding {
    /// A list of strings as JSON, written directly (JSONEncoder costs microseconds a
    /// call, and every verdict stores three lists).
    static func json(_ strings: [String]) -> String {
        var result = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { result += "," }
            appendQuoted(string, to: &result)
        }
        return result + "]"
    }

    /// Link evidence as JSON, keys sorted as JSONEncoder would write them.
    static func json(_ evidence: [LinkEvidence]) -> String {
        var result = "["
        for (index, entry) in evidence.enumerated() {
            if index > 0 { result += "," }
            result += "{\"kind\":"
            appendQuoted(entry.kind.rawValue, to: &result)
            result += ",\"text\":"
            appendQuoted(entry.text, to: &result)
            result += "}"
        }
        return result + "]"
    }

    private static func appendQuoted(_ string: String, to result: inout String) {
        JSONString.appendQuoted(string, to: &result)
    }

    static func json<Value: Encodable>(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// A list of texts kept as JSON: a plain one (no escapes) read directly, any other
    /// through JSONDecoder (which costs microseconds a row, hundreds of thousands of rows).
    static func stringList(_ text: String?, column: String) throws -> [String]? {
        guard var text else { return nil }
        if let list = text.withUTF8({ ColumnReader.plainStringList($0) }) { return list }
        return try decode([String].self, from: text, column: column)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from text: String?, column: String) throws -> Value? {
        guard let text else { return nil }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptValue(column: column, value: String(text.prefix(60)))
        }
    }
}

/// Dates written as GRDB writes them (`YYYY-MM-DD HH:MM:SS.SSS`, UTC), without the
/// DateFormatter GRDB asks for each (microseconds a call; an item binds two or three).
enum StoredDate {
    static func text(_ date: Date) -> String {
        // Years of the Gregorian calendar with four digits; anything else as GRDB writes it
        // (its formatter switches to the Julian calendar before 1583).
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, (-12_212_553_600.0..<253_402_300_799.0).contains(seconds) else {
            return String.fromDatabaseValue(date.databaseValue) ?? ""
        }
        let milliseconds = Int((seconds * 1_000).rounded())
        let (days, inDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let day = Day(ordinal: inDay < 0 ? days - 1 : days)
        let time = inDay < 0 ? inDay + 86_400_000 : inDay
        // The day as Day writes it, then the time digit by digit (two or three a stored item).
        return String(unsafeUninitializedCapacity: 23) { buffer in
            var index = buffer.initialize(fromContentsOf: day.description.utf8)
            func put(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            func put(_ value: Int, digits: Int) {
                var divisor = digits == 3 ? 100 : 10
                while divisor > 0 {
                    put(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                    divisor /= 10
                }
            }
            put(UInt8(ascii: " "))
            put(time / 3_600_000, digits: 2)
            put(UInt8(ascii: ":"))
            put(time / 60_000 % 60, digits: 2)
            put(UInt8(ascii: ":"))
            put(time / 1_000 % 60, digits: 2)
            put(UInt8(ascii: "."))
            put(time % 1_000, digits: 3)
            return index
        }
    }

    /// Reads `YYYY-MM-DD HH:MM:SS` with an optional `.SSS`, UTC; nil for anything else
    /// (the reader then asks GRDB).
    static func date(_ text: UnsafeBufferPointer<UInt8>) -> Date? {
        guard text.count == 19 || text.count == 23 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<start + count {
                let digit = Int(text[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"), text[10] == UInt8(ascii: " "),
            text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"),
            let year = digits(0, 4), let month = digits(5, 2), let dayOfMonth = digits(8, 2),
            let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
            hour < 24, minute < 60, second < 60,
            let day = Day(year: year, month: month, day: dayOfMonth)
        else { return nil }
        var milliseconds = 0
        if text.count == 23 {
            guard text[19] == UInt8(ascii: "."), let fraction = digits(20, 3) else { return nil }
            milliseconds = fraction
        }
        let seconds = day.ordinal * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1_000)
    }
}

/// Errors of the store itself; SQLite errors come through as GRDB's `DatabaseError`.
public enum StoreError: Error, CustomStringConvertible {
    /// A stored value no longer reads as its type: the file was edited by hand or is damaged.
    case corruptValue(column: String, value: String)
    /// A verdict, claim or decision was for an item the store does not hold.
    case missingItem(String)
    /// An account was to be added under a name already taken.
    case accountExists(String)
    /// An account to change is not there.
    case noAccount(String)
    /// A link was to be confirmed on an item the scorer linked to no project.
    case noLinkToConfirm(String)
    /// An item was to be relinked to a project the registry does not hold.
    case unknownProject(String)
    /// Another reviewer holds the item (claimed within the lease).
    case claimedByAnother(String)
    /// A follow-up was to be marked on an item that is not a petition.
    case notAPetition(String)
    /// The store was migrated by a newer wagewatch (these migrations are unknown here).
    case newerStore([String])
    /// Someone decided on the item after the reviewer's page was made.
    case decidedMeanwhile(account: String, at: Date, action: String)
    /// A store opened to read only needs a migration first.
    case olderStore
    /// A command that only reads was pointed at a store that does not exist.
    case noStore(String)
    /// A backup was to be written over a file that exists already.
    case backupExists(String)
    /// A PostgreSQL address that cannot be used as given.
    case badLocation(String)
    /// PostgreSQL refused or failed (said without the statement or its values).
    case postgres(String)
    /// The backup could not be written there (a folder not writable, a full disk).
    case backupFailed(path: String, reason: String)
    /// A copy cannot go on: the reason says why and what to do.
    case copyRefused(String)
    /// A copy's tables differ from the source's after copying (rows or checksum).
    case copyMismatch([String])

    public var description: String {
        switch self {
        case .corruptValue(let column, let value):
            "数据库中 \(column) 的值无法读取 (the database holds an unreadable value in column \(column): \(value))"
        case .missingItem(let id):
            "库中没有线索 \(id) (no stored item \(id))"
        case .accountExists(let name):
            "账号 \(name) 已存在 (an account named \(name) exists already)"
        case .noAccount(let name):
            "没有账号 \(name) (no such account)"
        case .noLinkToConfirm(let id):
            "线索 \(id) 未关联任何项目，无法确认关联 (item \(id) is linked to no project to confirm)"
        case .unknownProject(let id):
            "项目库中没有项目 \(id) (no registry project \(id))"
        case .claimedByAnother(let account):
            "\(account) 正在审核此线索，请稍后 (claimed by \(account))"
        case .notAPetition(let id):
            "线索 \(id) 不是信访件，不能标为已跟进 (only petitions are followed up)"
        case .decidedMeanwhile(let account, let at, let action):
            "\(account) 已于 \(Day.minuteText(of: at)) 处理此线索（\(action)），请刷新页面查看后再操作 (decided meanwhile)"
        case .olderStore:
            "数据库需要升级后才能只读使用 (the store is from an older wagewatch: run a command that writes, "
                + "such as wagewatch rescore, once to upgrade it)"
        case .backupExists(let path):
            "\(path)：文件已存在，备份不覆盖已有文件 (a file is there already: name a new file for the backup)"
        case .backupFailed(let path, let reason):
            "\(path)：备份未能写入，未留下任何文件 (the backup could not be written: \(reason))"
        case .copyRefused(let reason):
            "无法复制数据库 (the store copy cannot go on: \(reason))"
        case .copyMismatch(let tables):
            "复制后的数据与源数据库不一致 (after the copy these tables differ from the source: \(tables.joined(separator: "; ")); "
                + "was a wagewatch process writing to the source meanwhile?)"
        case .badLocation(let reason):
            "数据库地址无效 (the PostgreSQL address cannot be used: \(reason))"
        case .postgres(let reason):
            "数据库操作失败 (PostgreSQL: \(reason))"
        case .noStore(let path):
            "\(path)：数据库不存在 (no store here: import the registry or run the feeds first, or name it with --database)"
        case .newerStore(let migrations):
            "数据库由较新版本的 wagewatch 升级过，本版本不能使用 (the store was upgraded by a newer wagewatch: "
                + "unknown migration \(migrations.joined(separator: ", ")); upgrade wagewatch, or restore a backup)"
        }
    }
}

extension StoreError {
    /// What a page says: the Chinese sentence of `description`, without the English
    /// explanation in brackets the command line adds for the operator.
    public var chinese: String {
        let text = description
        guard let start = text.range(of: " (") else { return text }
        return String(text[..<start.lowerBound])
    }

    /// A database error said without the SQL it happened in (which may quote stored
    /// values): what SQLite said and its code; nil for errors of other kinds.
    public static func plainMessage(for error: any Error) -> String? {
        if let postgres = error as? PSQLError { return StoreError.postgres(PostgresFailure.reason(postgres)).description }
        guard let database = error as? DatabaseError else { return nil }
        let what = database.message ?? "\(database.resultCode)"
        return "数据库操作失败 (the store could not be used: \(what); SQLite error \(database.extendedResultCode.rawValue))"
    }
}

extension Project {
    /// The columns `init(columns:)` reads, in its order: select them, not `*`.
    static let columns = """
        id, name, aliases, builder, contractor, subcontractors, department, township, funding, tags,
        realname, wage_account, status
        """

    /// `columns` with only what the register judges and shows: no aliases, builder,
    /// contractor or subcontractors (nil or empty).
    static let registerColumns = """
        id, name, NULL, NULL, NULL, NULL, department, township, funding, tags, realname, wage_account, status
        """

    /// Reads a row of `SELECT \(columns)` (or `registerColumns`).
    init(columns column: ColumnReader) throws {
        self.init(
            id: try column.requiredString(0, name: "id"), name: try column.requiredString(1, name: "name"),
            aliases: try column.stringList(2, name: "aliases") ?? [],
            builder: column.string(3), contractor: column.string(4),
            subcontractors: try column.stringList(5, name: "subcontractors") ?? [],
            department: try column.requiredString(6, name: "department"), township: column.string(7),
            funding: try column.code(8, name: "funding"),
            tags: try (column.stringList(9, name: "tags") ?? []).map { text in
                guard let tag = Tag(rawValue: text) else { throw StoreError.corruptValue(column: "tags", value: text) }
                return tag
            },
            realName: column.bool(10), wageAccount: column.bool(11), status: try column.code(12, name: "status") ?? .active)
    }
}

extension DepartmentReport {
    /// The columns `init(columns:)` reads, in its order: select them, not `*`.
    static let columns = """
        id, department, period, project_id, project_name, status, arrears_type, workers, amount_owed, amount_paid,
        since, resolved, resolved_on, responsible_unit, responsible_person, commitment, filed_on, filed_on_imputed
        """

    /// `columns` with only what the register judges: no project name, workers, arrears
    /// start, responsible unit or person (blank or nil), for the hundreds of thousands of
    /// rows of its months.
    static let registerColumns = """
        id, department, period, project_id, '', status, arrears_type, NULL, amount_owed, amount_paid,
        NULL, resolved, resolved_on, NULL, NULL, commitment, filed_on, filed_on_imputed
        """

    /// Reads a row of `SELECT \(columns)` (or `registerColumns`).
    init(columns column: ColumnReader) throws {
        try self.init(columns: column, departments: nil)
    }

    /// - Parameter departments: makes each department's name once for all its rows.
    init(columns column: ColumnReader, departments: RepeatedTexts?) throws {
        func day(_ index: Int32, _ name: String) throws -> Day? {
            guard let text = column.bytes(index) else { return nil }
            guard let day = Day(utf8: text) else {
                throw StoreError.corruptValue(column: name, value: String(decoding: text, as: UTF8.self))
            }
            return day
        }
        guard let periodText = column.bytes(2) else { throw StoreError.corruptValue(column: "period", value: "NULL") }
        guard let period = Period(utf8: periodText) else {
            throw StoreError.corruptValue(column: "period", value: String(decoding: periodText, as: UTF8.self))
        }
        guard let status: Status = try column.code(5, name: "status") else {
            throw StoreError.corruptValue(column: "status", value: "NULL")
        }
        guard let filedOn = try day(16, "filed_on") else { throw StoreError.corruptValue(column: "filed_on", value: "NULL") }
        guard let department = column.bytes(1).map({ departments?.text($0) ?? String(decoding: $0, as: UTF8.self) }) else {
            throw StoreError.corruptValue(column: "department", value: "NULL")
        }
        self.init(
            id: try column.requiredString(0, name: "id"), department: department,
            period: period, projectID: column.string(3),
            projectName: try column.requiredString(4, name: "project_name"), status: status,
            arrearsType: try column.code(6, name: "arrears_type"),
            workers: column.int(7), amountOwed: column.double(8), amountPaid: column.double(9),
            since: try day(10, "since"), resolved: column.bool(11), resolvedOn: try day(12, "resolved_on"),
            responsibleUnit: column.string(13), responsiblePerson: column.string(14),
            commitment: column.bool(15), filedOn: filedOn, isFilingDayImputed: column.bool(17) ?? false)
    }
}
