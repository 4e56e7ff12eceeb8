import ArgumentParser
import Foundation
import Monitor
import Scoring

extension WageWatch {
    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the rules files, or run the examples they carry.",
            subcommands: [Check.self, Test.self, Evaluate.self])

        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Validate every rules file: YAML, fields, lexicon references, regular expressions.")

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let rulebook = try global.makeMonitor(store: .none).loadRulebook()
                print(
                    "rules ok: \(rulebook.rules.count) rules, \(rulebook.lexicons.count) lexicons, \(rulebook.negation.cues.count) negation cues"
                )
            }
        }

        struct Test: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Run every rule's examples: texts it must and must not fire on.")

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let result = try global.makeMonitor(store: .none).failingRuleExamples()
                for failure in result.failures { print("FAIL \(failure)") }
                print("\(result.examples - result.failures.count) of \(result.examples) examples pass, in \(result.rules) rules")
                if !result.failures.isEmpty { throw ExitCode(1) }
            }
        }

        struct Evaluate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Measure the rules on hand-labeled items: precision, recall and F1 per channel and trap class.")

            @OptionGroup var global: GlobalOptions
            @Option(help: "The registry CSV the labeled items refer to.") var registry: String
            @Flag(help: "List every item the rules get wrong.") var details = false
            @Argument(help: "Labeled items, NDJSON (one object a line).") var files: [String]

            func run() async throws {
                let reports = try global.makeMonitor(store: .none).evaluateLabeled(
                    files: files.map { URL(fileURLWithPath: $0) }, registry: URL(fileURLWithPath: registry))
                for (file, report) in reports {
                    print(report.rendered(title: file))
                    if details { print(report.misses.joined(separator: "\n")) }
                    print()
                }
            }
        }
    }
}
