import ArgumentParser
import Foundation
import Monitor
import Scoring

extension WageWatch {
    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the rules files, or run the examples they carry.",
            subcommands: [Check.self, Test.self, Evaluate.self, Train.self])

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

        struct Train: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Learn the text model (text-model.tsv) from hand-labeled items.",
                discussion: """
                    Reads labeled items (NDJSON, as `rules evaluate` reads them) and writes the text \
                    model into the rules folder, or to --output. The same files give the same model.
                    """)

            @OptionGroup var global: GlobalOptions
            @Option(help: "Where to write the model (default: text-model.tsv in the rules folder).") var output: String?
            @Option(help: "The probability at or above which the model decides.") var threshold = 0.8
            @Option(help: "The probability of none at or above which the model overturns a signal the rules raised.")
            var cancelThreshold = TextModel.Training().cancelThreshold
            @Option(help: "The fewest distinct grams a text must hold for the model to decide.")
            var minimumGrams = TextModel.Training().minimumGrams
            @Option(help: "Keep at most this many grams, those that tell the kinds apart most (a smaller model reads faster; 0 keeps all).")
            var maximumGrams = TextModel.Training().maximumGrams ?? 0
            @Option(help: "Passes over the labeled items.") var epochs = TextModel.Training().epochs
            @Option(help: "How strongly weights are pulled toward zero (L2), per pass.") var regularization = TextModel.Training()
                .regularization
            @Argument(help: "Labeled items, NDJSON (one object a line).") var files: [String]

            func run() async throws {
                guard threshold > 0.5, threshold <= 1 else {
                    throw ValidationError("--threshold must be above 0.5 and at most 1")
                }
                var settings = TextModel.Training()
                settings.threshold = threshold
                guard (1...1000).contains(epochs), regularization >= 0, regularization <= 100 else {
                    throw ValidationError("--epochs must be 1 to 1000 and --regularization 0 to 100")
                }
                settings.epochs = epochs
                guard (0...100_000).contains(minimumGrams) else { throw ValidationError("--minimum-grams must be 0 to 100000") }
                settings.minimumGrams = minimumGrams
                guard cancelThreshold > 0.5, cancelThreshold <= 1 else {
                    throw ValidationError("--cancel-threshold must be above 0.5 and at most 1")
                }
                settings.cancelThreshold = cancelThreshold
                settings.regularization = regularization
                guard (0...10_000_000).contains(maximumGrams) else { throw ValidationError("--maximum-grams must be 0 to 10000000") }
                settings.maximumGrams = maximumGrams == 0 ? nil : maximumGrams
                let sorted = files.sorted()
                let (model, count) = try global.makeMonitor(store: .none).trainTextModel(
                    files: sorted.map { URL(fileURLWithPath: $0) }, settings: settings)
                let path = output ?? URL(fileURLWithPath: global.rules).appendingPathComponent(TextModel.fileName).path
                let comment = [
                    "wagewatch text model: written by `wagewatch rules train`; do not edit by hand.",
                    "Learned from \(count) labeled items in \(sorted.count) files: "
                        + sorted.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " "),
                    "Weights per gram: none, wage, project_payment.",
                ]
                do {
                    try Data(model.rendered(comment: comment).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    throw ValidationError("cannot write \(path): \(error.localizedDescription)")
                }
                print("learned \(model.grams.count) grams from \(count) labeled items; written to \(path)")
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
