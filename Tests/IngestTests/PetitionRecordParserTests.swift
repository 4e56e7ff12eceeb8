import Foundation
import Ingest
import Model
import Testing

@Suite struct PetitionRecordParserTests {
    let feed = FeedDefinition(id: "demo-petitions", kind: .petition, format: .petitionNDJSON, url: "file:///demo")

    @Test func parsesTheDemoPetitions() throws {
        let text = String(decoding: try Repository.data("feeds/demo/petitions.ndjson"), as: UTF8.self)
        let result = PetitionRecordParser(feed: feed).parse(text)
        #expect(result.rejections.isEmpty)
        #expect(result.items.count == 9)
        let visit = try #require(result.items.first { $0.sourceKey == "XF-2024-1201" })
        #expect(visit.id == "demo-petitions:XF-2024-1201")
        #expect(visit.kind == .petition)
        #expect(visit.channel == "visit")
        #expect(visit.people == 12)
        #expect(visit.amount == 380_000)
        #expect(visit.respondent == "青川宏远建设集团有限公司")
        #expect(visit.status == "handling")
        // A time without a zone is Asia/Shanghai.
        #expect(visit.publishedAt == DateParsing.date(from: "2024-12-03T09:20:00+08:00"))
    }

    @Test func acceptsChineseFieldNamesAndChannelWords() throws {
        let line = #"{"编号":"12345-001","渠道":"12345","登记时间":"2024-12-01 08:00","内容":"工资没发","人数":"6","被反映对象":"某劳务公司"}"#
        let result = PetitionRecordParser(feed: feed).parse(line)
        let item = try #require(result.items.first)
        #expect(item.channel == "hotline")
        #expect(item.people == 6)
        #expect(item.respondent == "某劳务公司")
    }

    @Test func linesEndAtNewlinesOnlyAndCRLFIsFine() throws {
        let text =
            "{\"id\":\"1\",\"channel\":\"visit\",\"received_at\":\"2024-12-01 08:00\",\"content\":\"工资\u{2028}没发\"}\r\n"
            + "{\"id\":\"2\",\"channel\":\"visit\",\"received_at\":\"2024-12-01 08:00\"}\r\n"
        let result = PetitionRecordParser(feed: feed).parse(text)
        #expect(result.items.map(\.sourceKey) == ["1"])
        #expect(result.rejections.map(\.row) == [2])
    }

    @Test func numbersInAMisplacedFieldAreMaskedInTheReason() throws {
        let line = #"{"id":"1","channel":"13912345678","received_at":"2024-12-01 08:00","content":"欠薪"}"#
        let rejection = try #require(PetitionRecordParser(feed: feed).parse(line).rejections.first)
        #expect(rejection.column == "channel")
        #expect(!rejection.reason.contains("13912345678"))
        #expect(rejection.reason.contains("***********"))
    }

    @Test func aNameInAMisplacedFieldIsNotRepeatedInTheReason() throws {
        // A column shifted by one: the petitioner's name lands in 渠道 and 状态.
        let line = #"{"id":"1","channel":"欧阳春花","received_at":"2024-12-01 08:00","content":"欠薪"}"#
        let rejection = try #require(PetitionRecordParser(feed: feed).parse(line).rejections.first)
        #expect(rejection.column == "channel")
        #expect(!rejection.reason.contains("春花") && !rejection.reason.contains("欧阳"))
        #expect(rejection.reason.contains("欧***"))
        let status = #"{"id":"2","channel":"visit","received_at":"2024-12-01 08:00","status":"李于华","content":"欠薪"}"#
        let second = try #require(PetitionRecordParser(feed: feed).parse(status).rejections.first)
        #expect(second.column == "status" && !second.reason.contains("于华") && second.reason.contains("李**"))
    }

    @Test func implausibleCountsAmountsAndDatesAreRejected() {
        let base = #""channel":"visit","received_at":"2024-12-01 08:00","content":"欠薪""#
        let text = [
            #"{"id":"1",\#(base),"people":-5}"#,
            #"{"id":"2",\#(base),"amount":"0x1p4"}"#,
            #"{"id":"3",\#(base),"amount":1e300}"#,
            #"{"id":"4",\#(base),"closed_at":"2024-11-30 08:00"}"#,
            #"{"id":"5",\#(base),"people":"12","amount":"3.5万","closed_at":"2024-12-20"}"#,
        ].joined(separator: "\n")
        let result = PetitionRecordParser(feed: feed).parse(text)
        #expect(result.rejections.map(\.column) == ["people", "amount", "amount", "closed_at"])
        #expect(result.items.map(\.sourceKey) == ["5"])
        #expect(result.items.first?.amount == 35_000 && result.items.first?.people == 12)
    }

    @Test func badLinesAreNamedByLineAndFieldAndTheRestIsKept() {
        let text = """
            {"id":"1","channel":"visit","received_at":"2024-12-01 08:00","content":"工资没发"}
            {"id":"2","channel":"visit","received_at":"2024-12-01 08:00"}
            not json

            {"id":"4","channel":"pigeon","received_at":"2024-12-01 08:00","content":"欠薪"}
            {"id":"5","channel":"visit","received_at":"yesterday","content":"欠薪","petitioner":"张三","phone":"13900000000"}
            {"id":"6","channel":"letter","received_at":"2024-12-02T08:00:00+08:00","content":"讨薪","people":"很多"}
            """
        let result = PetitionRecordParser(feed: feed).parse(text)
        #expect(result.items.map(\.sourceKey) == ["1"])
        #expect(result.rejections.map(\.row) == [2, 3, 5, 6, 7])
        #expect(result.rejections.map(\.column) == ["content", nil, "channel", "received_at", "people"])
        #expect(result.rejections.allSatisfy { $0.file == "demo-petitions" })
        // Personal fields never appear in the reasons.
        #expect(!result.rejections.contains { $0.reason.contains("张三") || $0.reason.contains("13900000000") })
    }
}
