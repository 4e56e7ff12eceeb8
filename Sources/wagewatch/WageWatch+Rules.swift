import ArgumentParser
import Monitor

extension WageWatch {
    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the rules files, or run the examples they carry.",
            subcommands: [Check.self, Test.self])

        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Validate every rules file: YAML, fields, lexicon references, regular expressions.")

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let rulebook = try global.makeMonitor().loadRulebook()
                print("rules ok: \(rulebook.rules.count) rules, \(rulebook.lexicons.count) lexicons, \(rulebook.negation.cues.count) negation cues")
            }
        }

        struct Test: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Run every rule's examples: texts it must and must not fire on.")

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let result = try global.makeMonitor().failingRuleExamples()
                for failure in result.failures { print("FAIL \(failure)") }
                print("\(result.examples - result.failures.count) of \(result.examples) examples pass, in \(result.rules) rules")
                if !result.failures.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
