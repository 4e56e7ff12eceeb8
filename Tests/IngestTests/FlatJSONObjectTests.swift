import Foundation
import Model
import Testing

@testable import Ingest

/// The byte-level reader of NDJSON lines takes what JSONSerialization takes, reads it
/// the same, and hands everything else back to it.
@Suite struct FlatJSONObjectTests {
    func flat(_ line: String) -> FlatJSONObject? {
        Array(line.utf8).withUnsafeBufferPointer { FlatJSONObject($0) }
    }

    @Test func readsWhatJSONSerializationReadsForFlatObjects() throws {
        let lines = [
            #"{"id":"p1","content":"工资没发","reposts":3,"location":null}"#,
            #"  { "id" : "a\"b\\c\/d" , "t":"line\nbreak\ttab" }  "#,
            #"{"id":"\u5de5\u8d44","emoji":"\ud83d\ude00","neg":-42,"zero":0}"#,
            #"{}"#,
        ]
        for line in lines {
            let object = try #require(flat(line), "\(line)")
            let reference = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object.fields.count == reference.count)
            for (key, value) in object.fields {
                switch reference[key] {
                case let text as String: #expect(value == text, "\(key) in \(line)")
                case is NSNull: #expect(value == nil)
                case let number as NSNumber: #expect(value == number.stringValue)
                default: Issue.record("unexpected \(key) in \(line)")
                }
            }
        }
    }

    @Test func leavesEverythingElseToJSONSerialization() {
        // Nested values, fractions, booleans, a repeated key, and broken lines: not read here.
        for line in [
            #"{"a":{"b":1}}"#, #"{"a":[1]}"#, #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":true}"#, #"{"a":"1","a":"2"}"#,
            #"{"a":"1"} x"#, #"{"a":"1",}"#, #"{"a":01}"#, "{\"a\":\"tab\there\"}", #"{"a":"\x"}"#,
            #"{"a":"\ud83d"}"#, #"{"a":-0}"#, #"["a"]"#, #"{"a" "1"}"#, #"{"a":"unterminated}"#,
        ] {
            #expect(flat(line) == nil, "\(line)")
        }
    }

    @Test func postLinesReadEitherWayGiveTheSameItems() {
        let feed = FeedDefinition(id: "f", kind: .post, format: .postNDJSON, url: "file:///f", channel: "论坛")
        let text = [
            #"{"id":12,"platform":"微博","content":"  欠薪\u0021  ","published_at":"2024-12-03 10:00"}"#,
            #"{"id":"13","platform":"微博","content":"讨薪","extra":{"nested":true}}"#,
            #"{"id":"14","content":"broken""#,
        ].joined(separator: "\n")
        let result = PostRecordParser(feed: feed).parse(text)
        #expect(result.items.map(\.sourceKey) == ["12", "13"])
        #expect(result.items.first?.content == "欠薪!")
        #expect(result.items.map(\.channel) == ["微博", "微博"])
        #expect(result.rejections.map(\.row) == [3])
    }
}
