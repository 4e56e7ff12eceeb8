import ChineseConversion
import Foundation
import Ingest
import Model
import Scoring

// One libFuzzer entry for every reader of outside input; WAGEWATCH_FUZZ_TARGET picks
// which (scripts/fuzz runs each in turn with its own seed corpus). A target passes when
// the reader returns or throws its own error for any bytes: a crash, a hang past
// libFuzzer's -timeout, a sanitizer report or a leak fails it.

enum Target: String, CaseIterable {
    case rss, atom, json, xml, petitions, posts, registry, reports, decode, mask, score, rules
}

let target: Target = {
    let name = ProcessInfo.processInfo.environment["WAGEWATCH_FUZZ_TARGET"] ?? ""
    guard let target = Target(rawValue: name) else {
        FileHandle.standardError.write(
            Data("set WAGEWATCH_FUZZ_TARGET to one of: \(Target.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func feed(_ format: FeedFormat, _ kind: ItemKind = .post) -> FeedDefinition {
    FeedDefinition(id: "fuzz", kind: kind, format: format, url: "file:///dev/null", channel: "微博")
}

/// The bundled rules and the demo registry: what `score` runs the fuzzed text through.
let engine: ScoringEngine = {
    let folder = repository.appendingPathComponent("rules")
    let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.filter { $0.hasSuffix(".yaml") }.sorted() ?? []
    let rules = files.compactMap { name in
        (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)).map { (name: name, text: $0) }
    }
    let registry = (try? Data(contentsOf: repository.appendingPathComponent("feeds/demo/registry.csv"))) ?? Data()
    guard let rulebook = try? Rulebook.parse(files: rules),
        let projects = try? RegistryImporter.read(registry, file: "registry.csv").records
    else {
        FileHandle.standardError.write(Data("the bundled rules or the demo registry do not load\n".utf8))
        exit(2)
    }
    return ScoringEngine(
        rulebook: rulebook, projects: projects,
        traditionalToSimplified: (try? TraditionalToSimplified.sharedTable()) ?? [:])
}()

/// The scorer's text folding (traditional to simplified, full width to half), fuzzed apart from scoring.
let normalizer = TextNormalizer(traditionalToSimplified: (try? TraditionalToSimplified.sharedTable()) ?? [:])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    let text = String(decoding: data, as: UTF8.self)
    switch target {
    case .rss: _ = try? RSSParser(feed: feed(.rss)).parseReporting(data)
    case .atom: _ = try? AtomParser(feed: feed(.atom)).parseReporting(data)
    case .json: _ = try? JSONFeedParser(feed: feed(.jsonFeed)).parse(data)
    case .xml:
        _ = try? FeedParser.parse(data, feed: feed(.rss), contentType: "application/xml; charset=gbk")
        // The sniffer, then the parser it picks (as `feed inspect` reads an unknown source).
        if let format = FeedSniffer.format(of: data) { _ = try? FeedParser.parse(data, feed: feed(format, .petition), contentType: nil) }
    case .petitions:
        let parser = PetitionRecordParser(feed: feed(.petitionNDJSON, .petition))
        _ = parser.parse(text)
        _ = try? parser.parse(csv: data)
    case .posts: _ = PostRecordParser(feed: feed(.postNDJSON)).parse(text)
    case .registry: _ = try? RegistryImporter.read(data, file: "fuzz.csv")
    case .reports:
        _ = try? ReportImporter.read(
            data, file: "fuzz.csv", knownProjects: ["P-001", "P-002"], importedOn: Day(year: 2024, month: 11, day: 30)!)
    case .decode:
        _ = try? TextDecoding.decodeRepairing(data, source: "fuzz")
        _ = try? TextDecoding.decode(data, source: "fuzz", declaredCharset: "gb18030")
    case .mask:
        _ = PersonalDataMasker.mask(text, names: ["张三", "李"], variants: [0x5F20: 0x5F35])
        _ = PersonalDataMasker.kinds(in: text)
        _ = normalizer.normalize(text)
    case .score:
        // Half title, half body: the fields are scored apart.
        let middle = text.index(text.startIndex, offsetBy: text.count / 2)
        let item = Item(
            feedID: "fuzz", sourceKey: "1", kind: count % 2 == 0 ? .post : .petition, channel: "微博",
            title: String(text[..<middle]), content: String(text[middle...]), people: count % 7)
        let verdict = engine.evaluate(item)
        _ = engine.explain(item)
        precondition(verdict.assessment.score.isFinite)
    case .rules: _ = try? Rulebook.parse(files: [("fuzz.yaml", text)])
    }
    return 0
}

// SwiftPM links an executable's entry as `<module>_main`; libFuzzer's driver runs from it.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("wagewatch_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzz)
}
