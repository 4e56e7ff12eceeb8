import Foundation
import Model

/// Reads petition records (信访件, 12345 工单) exported as NDJSON, one object a line.
///
/// Each field may be named in English or in Chinese (docs/FORMATS.md, "Petition records (信访件, 12345 工单)"). A bad
/// line is kept aside with its line number and field; the good lines go on.
public struct PetitionRecordParser: Sendable {
    public var feed: FeedDefinition

    public init(feed: FeedDefinition) {
        self.feed = feed
    }

    /// Petition channels, by English code and Chinese name.
    static let channels: [String: String] = [
        "visit": "visit", "来访": "visit",
        "letter": "letter", "来信": "letter",
        "online": "online", "网上信访": "online",
        "hotline": "hotline", "12345": "hotline",
        "platform": "platform", "线索平台": "platform",
    ]

    static let statuses: [String: String] = [
        "received": "received", "登记": "received", "已登记": "received",
        "assigned": "assigned", "已交办": "assigned", "交办": "assigned",
        "handling": "handling", "办理中": "handling",
        "closed": "closed", "已办结": "closed", "办结": "closed",
    ]

    /// Parses the NDJSON text; returns the items and the lines it could not take.
    public func parse(_ text: String) -> FeedParseResult {
        var result = FeedParseResult()
        // Lines end at \n only: JSON strings may hold U+2028 or U+0085 unescaped.
        // Split on scalars: as Characters, "\r\n" is one grapheme and never equals "\n".
        for (offset, scalars) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let trimmed = Substring(scalars).trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            guard !trimmed.isEmpty else { continue }
            do {
                result.items.append(try item(from: trimmed))
            } catch let problem as FieldProblem {
                result.rejections.append(
                    ImportRejection(
                        file: feed.id, row: lineNumber, column: problem.field, reason: problem.reason))
            } catch {
                result.rejections.append(
                    ImportRejection(
                        file: feed.id, row: lineNumber, column: nil, reason: "\(error)"))
            }
        }
        return result
    }

    /// Parses a CSV export (12345 工单) with the same fields as English or Chinese headers.
    public func parse(csv data: Data) throws(IngestError) -> FeedParseResult {
        let columns = Self.fields.map { CSVTable.Column($0.english, $0.chinese) }
        let table = try CSVTable(data: data, file: feed.id, columns: columns)
        var result = FeedParseResult()
        for (offset, row) in table.rows.enumerated() {
            do throws(CellParsing.Problem) {
                try table.checkRow(offset)
            } catch {
                result.rejections.append(ImportRejection(file: feed.id, row: offset + 2, column: error.column, reason: error.reason))
                continue
            }
            var object: [String: Any] = [:]
            for field in Self.fields {
                if let value = table.value(field.english, in: row) { object[field.english] = value }
            }
            do {
                result.items.append(try item(from: object))
            } catch let problem as FieldProblem {
                result.rejections.append(
                    ImportRejection(
                        file: feed.id, row: offset + 2, column: problem.field.map { table.headerName(of: $0) }, reason: problem.reason))
            } catch {
                result.rejections.append(ImportRejection(file: feed.id, row: offset + 2, column: nil, reason: "\(error)"))
            }
        }
        return result
    }

    /// The fields of docs/FORMATS.md, "Petition records (信访件, 12345 工单)", by English name and Chinese header.
    static let fields: [(english: String, chinese: String)] = [
        ("id", "编号"), ("channel", "渠道"), ("received_at", "登记时间"), ("title", "标题"), ("content", "内容"),
        ("respondent", "被反映对象"), ("location", "发生地"), ("people", "人数"), ("amount", "涉及金额"),
        ("petitioner", "信访人"), ("phone", "联系电话"), ("status", "办理状态"), ("handling_unit", "承办单位"),
        ("closed_at", "办结时间"),
    ]

    private func item(from line: String) throws -> Item {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw FieldProblem(field: nil, reason: "不是 JSON 对象")
        }
        return try item(from: object)
    }

    private func item(from object: [String: Any]) throws -> Item {
        let record = Record(object: object)
        let id = try record.required("id", "编号")
        let channelText = try record.required("channel", "渠道")
        guard let channel = Self.channels[channelText] else {
            throw FieldProblem(
                field: "channel",
                reason:
                    "无法识别的渠道 \(ClerkText.quote(channelText))，应为来访（visit）、来信（letter）、网上信访（online）、12345（hotline）或线索平台（platform）"
            )
        }
        let receivedText = try record.required("received_at", "登记时间")
        guard let receivedAt = DateParsing.date(from: receivedText) else {
            throw FieldProblem(
                field: "received_at", reason: "时间应写作 RFC 3339 或 YYYY-MM-DD HH:MM[:SS] 格式，实际为 \(ClerkText.quote(receivedText))")
        }
        let content = try record.required("content", "内容")
        var status: String?
        if let statusText = record.optional("status", "办理状态") {
            guard let known = Self.statuses[statusText] else {
                throw FieldProblem(
                    field: "status",
                    reason: "无法识别的办理状态 \(ClerkText.quote(statusText))，应为已登记（received）、已交办（assigned）、办理中（handling）或已办结（closed）")
            }
            status = known
        }
        var closedAt: Date?
        if let closedText = record.optional("closed_at", "办结时间") {
            guard let date = DateParsing.date(from: closedText) else {
                throw FieldProblem(field: "closed_at", reason: "应为日期和时间，实际为 \(ClerkText.quote(closedText))")
            }
            // A case closed before it came in is a typing error in one of the two dates.
            guard date >= receivedAt else {
                throw FieldProblem(
                    field: "closed_at", reason: "办结时间 \(ClerkText.quote(closedText)) 早于登记时间 \(ClerkText.quote(receivedText))")
            }
            closedAt = date
        }
        return Item(
            feedID: feed.id, sourceKey: id, kind: .petition, channel: channel,
            publishedAt: receivedAt, title: record.optional("title", "标题") ?? "", content: content,
            respondent: record.optional("respondent", "被反映对象"), location: record.optional("location", "发生地"),
            people: try record.count("people", "人数"), amount: try record.number("amount", "涉及金额"),
            petitioner: record.optional("petitioner", "信访人"), phone: record.optional("phone", "联系电话"),
            status: status, handlingUnit: record.optional("handling_unit", "承办单位"), closedAt: closedAt)
    }
}

/// Items a feed gave, and the records it could not take, each with its line and field.
public struct FeedParseResult: Sendable {
    public var items: [Item] = []
    public var rejections: [ImportRejection] = []
    /// True when the document had to be repaired to be read (entities, stray characters),
    /// or was cut short.
    public var isRecovered = false
    /// True when the document ended before its root element closed: its validators must
    /// not be kept, or the missing items would never come (304).
    public var isTruncated = false
    /// The encoding the bytes turned out to be, when the parser decoded text.
    public var encoding: String?
    /// The feed's own title and home link, when the format has them.
    public var title: String?
    public var link: String?
    /// How long the feed says it stays fresh (RSS `<ttl>`), in seconds.
    public var ttl: TimeInterval?

    public init(
        items: [Item] = [], rejections: [ImportRejection] = [], isRecovered: Bool = false,
        isTruncated: Bool = false, encoding: String? = nil, title: String? = nil, link: String? = nil
    ) {
        self.isTruncated = isTruncated
        self.items = items
        self.rejections = rejections
        self.isRecovered = isRecovered
        self.encoding = encoding
        self.title = title
        self.link = link
    }
}

/// A field of one record is missing or unreadable. The reason never quotes personal fields.
struct FieldProblem: Error {
    var field: String?
    var reason: String
}

/// One JSON record whose fields may be named in English or Chinese.
private struct Record {
    var object: [String: Any]

    func raw(_ english: String, _ chinese: String) -> Any? {
        let value = object[english] ?? object[chinese]
        return value is NSNull ? nil : value
    }

    func optional(_ english: String, _ chinese: String) -> String? {
        guard let value = raw(english, chinese) else { return nil }
        let text = (value as? String) ?? "\(value)"
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    func required(_ english: String, _ chinese: String) throws -> String {
        guard let text = optional(english, chinese) else {
            throw FieldProblem(field: english, reason: "必填字段 \(english)（\(chinese)）缺失或为空")
        }
        return text
    }

    /// A count of people: a whole number from 1 to 1,000,000.
    func count(_ english: String, _ chinese: String) throws -> Int? {
        guard let value = raw(english, chinese) else { return nil }
        var integer: Int?
        if let number = value as? NSNumber { integer = Int(exactly: number.doubleValue) }
        if let text = value as? String { integer = Int(text.trimmingCharacters(in: .whitespaces)) }
        guard let integer, (1...1_000_000).contains(integer) else {
            throw FieldProblem(field: english, reason: "\(english)（\(chinese)）应为不小于 1 的整数")
        }
        return integer
    }

    func number(_ english: String, _ chinese: String) throws -> Double? {
        guard let value = raw(english, chinese) else { return nil }
        if let number = value as? NSNumber, number.doubleValue.isFinite,
            (0...CellParsing.largestAmount).contains(number.doubleValue)
        {
            return number.doubleValue
        }
        if let text = value as? String, let number = CellParsing.amount(text) { return number }
        throw FieldProblem(field: english, reason: "\(english)（\(chinese)）应为 0 至 1000 亿元之间的金额")
    }
}
