import ArgumentParser
import Foundation
import Ingest
import Model
import Monitor
import Register
import Store

extension WageWatch {
    struct Case: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "case",
            abstract: "督办件: hand a finding to its responsible unit and follow it to the end.",
            subcommands: [Open.self, List.self, Show.self, Act.self, Schedule.self])

        struct Schedule: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "The weekly 调度表 for Excel: cases not closed and those closed in the last seven days, unit by unit.",
                discussion: """
                    As CSV, or as an XLSX workbook with a sheet 汇总 and one sheet per unit (--format xlsx, or an \
                    --output ending in .xlsx; a workbook is written to a file only).
                    """)

            @OptionGroup var global: GlobalOptions
            @Option(help: "The day of the meeting, YYYY-MM-DD (default: today).")
            var today: Day?
            @Option(name: [.customShort("o"), .long], help: "Write to this file instead of standard output.")
            var output: String?
            @Option(help: "csv or xlsx (default: xlsx when --output ends in .xlsx, else csv).")
            var format: ScheduleFormat?

            enum ScheduleFormat: String, ExpressibleByArgument, CaseIterable {
                case csv, xlsx
            }

            func validate() throws {
                if chosenFormat == .xlsx && output == nil { throw ValidationError("an XLSX workbook needs --output FILE") }
            }

            var chosenFormat: ScheduleFormat {
                format ?? (output?.lowercased().hasSuffix(".xlsx") == true ? .xlsx : .csv)
            }

            func run() async throws {
                let cases = try await global.makeMonitor(requiringRules: false, store: .readOnly).database.supervisionCases()
                let day = today ?? .today
                switch (chosenFormat, output) {
                case (.xlsx, let output?):
                    try CaseSchedule.xlsx(cases, today: day).write(to: URL(fileURLWithPath: output), options: .atomic)
                case (_, let output?):
                    try Data(CaseSchedule.csv(cases, today: day).utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                case (_, nil):
                    print(CaseSchedule.csv(cases, today: day), terminator: "")
                }
            }
        }

        /// Who acts: `--by NAME` with `--as wage-office|leader`, or with the unit
        /// (`--department NAME`, `--township NAME`) the person answers for.
        struct ActorOptions: ParsableArguments {
            @Option(help: "The person acting (an account name).")
            var by: String

            @Option(name: .customLong("as"), help: "wage-office (治欠办) or leader (领导), for the supervising steps.")
            var supervisor: Supervisor?

            @Option(help: "The department (主管部门) the person answers for, for a unit's steps.")
            var department: String?

            @Option(help: "The township (乡镇) the person answers for, for a unit's steps.")
            var township: String?

            enum Supervisor: String, ExpressibleByArgument, CaseIterable {
                case wageOffice = "wage-office"
                case leader
            }

            func validate() throws {
                let given = [supervisor != nil, department != nil, township != nil].filter { $0 }.count
                guard given == 1 else { throw ValidationError("give one of --as, --department and --township") }
            }

            var actor: CaseActor {
                if let department { return CaseActor(name: by, kind: .unit(.init(kind: .department, name: department))) }
                if let township { return CaseActor(name: by, kind: .unit(.init(kind: .township, name: township))) }
                return CaseActor(name: by, kind: supervisor == .leader ? .leader : .wageOffice)
            }
        }

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, json
        }

        struct Open: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Open a case (交办) on a project, an unregistered site or one item.",
                discussion: """
                    A project's case goes to its department unless --unit-department or --unit-township names \
                    another unit; a site's or an item's names its unit. The deadline comes from rules/register.yaml \
                    (cases:) unless --deadline gives one. A subject with a case not closed gets no second one.
                    """)

            @OptionGroup var global: GlobalOptions
            @OptionGroup var actor: ActorOptions

            @Option(help: "The registry project (项目编号).")
            var project: String?
            @Option(help: "An unregistered site, as the register names it.")
            var site: String?
            @Option(help: "One item (its id).")
            var item: String?
            @Option(help: "The responsible department (主管部门).")
            var unitDepartment: String?
            @Option(help: "The responsible township (属地乡镇).")
            var unitTownship: String?
            @Option(help: "The responsible person (责任人).")
            var person: String
            @Option(help: "The plan (工作方案).")
            var plan: String
            @Option(help: "The last day to answer, YYYY-MM-DD (default: from the rules).")
            var deadline: Day?
            @Option(help: "The day of dispatch, YYYY-MM-DD (default: today).")
            var today: Day?

            func validate() throws {
                guard [project, site, item].compactMap({ $0 }).count == 1 else {
                    throw ValidationError("give one of --project, --site and --item")
                }
                guard unitDepartment == nil || unitTownship == nil else {
                    throw ValidationError("give --unit-department or --unit-township, not both")
                }
            }

            func run() async throws {
                let subject: SupervisionCase.Subject =
                    if let project { .project(project) } else if let site { .site(site) } else { .item(item ?? "") }
                let unit =
                    unitDepartment.map { SupervisionCase.Unit(kind: .department, name: $0) }
                    ?? unitTownship.map { SupervisionCase.Unit(kind: .township, name: $0) }
                let opened = try await global.makeMonitor().openCase(
                    CaseRequest(subject: subject, unit: unit, person: person, plan: plan, deadline: deadline), by: actor.actor,
                    today: today ?? .today)
                print("督办件 \(opened.id)：交办\(opened.unit.name)，责任人 \(opened.person)，办理期限 \(opened.deadline)")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List cases, newest first, with 已超期 marked.")

            @OptionGroup var global: GlobalOptions
            @Option(help: "Only this unit's cases.")
            var unit: String?
            @Option(help: "Only cases in this state: \(SupervisionCase.State.allCases.map(\.rawValue).joined(separator: ", ")).")
            var state: String?
            @Option(help: "The day overdue cases are counted on, YYYY-MM-DD (default: today).")
            var today: Day?
            @Option(help: "table or json.")
            var format: Format = .table

            func run() async throws {
                var states: Set<SupervisionCase.State>?
                if let state {
                    guard let parsed = SupervisionCase.State(rawValue: state) else {
                        throw ValidationError(
                            "no state \(state); one of \(SupervisionCase.State.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    states = [parsed]
                }
                let cases = try await global.makeMonitor(requiringRules: false, store: .readOnly).database.supervisionCases(
                    unit: unit, states: states)
                let day = today ?? .today
                if format == .json {
                    print(try JSONOutput.encode(cases), terminator: "")
                    return
                }
                print("督办件 cases: \(cases.count)")
                guard !cases.isEmpty else { return }
                print(
                    TextTable(
                        header: ["编号", "对象", "责任单位", "责任人", "状态", "办理期限", "超期"],
                        rows: cases.map {
                            [
                                $0.id, $0.subject.value, $0.unit.name, $0.person, $0.state.label, $0.deadline.description,
                                $0.isOverdue(on: day) ? "已超期 \(day.ordinal - $0.deadline.ordinal) 日" : "",
                            ]
                        }
                    ).lines().joined(separator: "\n"))
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One case: its fields, evidence and history.")

            @OptionGroup var global: GlobalOptions
            @Argument(help: "The case (DB-YEAR-NNNN).")
            var id: String
            @Option(help: "table or json.")
            var format: Format = .table

            func run() async throws {
                let database = try global.makeMonitor(requiringRules: false, store: .readOnly).database
                guard let found = try await database.supervisionCase(id) else { throw CaseError.unknownCase(id) }
                let history = try await database.caseEvents(id)
                if format == .json {
                    print(try JSONOutput.encode(found), terminator: "")
                    return
                }
                print("督办件 \(found.id)  \(found.state.label)  版本 \(found.version)")
                print("对象：\(found.subject.kind) \(found.subject.value)")
                print("责任单位：\(found.unit.name)  责任人：\(found.person)")
                print("方案：\(found.plan)")
                print("交办 \(found.dispatchedOn)，办理期限 \(found.deadline)")
                for flag in found.evidence.flags { print("依据：\(flag.flag.label) \(flag.reason)") }
                if let reply = found.reply { print("反馈：\(reply.label)") }
                print("经过：")
                for step in history {
                    print(
                        "  \(Day.minuteText(of: step.at))  \(step.actorLabel)（\(step.actor)）\(step.actionLabel)  \(step.before?.label ?? "新建")→\(step.after.label)  \(step.reason)"
                    )
                }
            }
        }

        struct Act: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Take a step on a case: sign, reply-paid, reply-not-wage, reply-confirmed, extend, grant, refuse, close, return, reopen."
            )

            @OptionGroup var global: GlobalOptions
            @OptionGroup var actor: ActorOptions
            @Argument(help: "The case (DB-YEAR-NNNN).")
            var id: String
            @Argument(help: "The step.")
            var step: Step
            @Option(help: "Why (required to close, return, refuse, reopen, ask an extension, or say not wage arrears).")
            var reason: String = ""
            @Option(help: "Amount in yuan (reply-paid, reply-confirmed).")
            var amount: Double?
            @Option(help: "Workers (reply-paid, reply-confirmed).")
            var workers: Int?
            @Option(help: "The ledger row now filing the arrears (reply-confirmed).")
            var ledgerRow: String?
            @Option(help: "The day paid, YYYY-MM-DD (reply-paid).")
            var paidOn: Day?
            @Option(help: "The new deadline, YYYY-MM-DD (grant, reopen).")
            var deadline: Day?
            @Option(help: "The case's version the step was decided on: a step taken since wins.")
            var version: Int?
            @Option(help: "Today, YYYY-MM-DD (default: today).")
            var today: Day?
            @Option(
                name: .customLong("file"),
                help:
                    "A file the answer carries (PDF, JPEG, PNG or XLSX, at most 10 MB; repeat for more): required with reply-paid and reply-not-wage."
            )
            var files: [String] = []

            enum Step: String, ExpressibleByArgument, CaseIterable {
                case sign
                case replyPaid = "reply-paid"
                case replyNotWage = "reply-not-wage"
                case replyConfirmed = "reply-confirmed"
                case extend, grant, refuse, close
                case returnForRework = "return"
                case reopen
            }

            func run() async throws {
                let day = today ?? .today
                let action: CaseAction
                switch step {
                case .sign: action = .sign
                case .replyPaid:
                    action = .reply(.alreadyPaid(on: paidOn ?? day, amount: amount ?? 0, workers: workers ?? 0))
                case .replyNotWage: action = .reply(.notWageArrears(reason: reason))
                case .replyConfirmed:
                    action = .reply(.confirmedArrears(amount: amount ?? 0, workers: workers ?? 0, ledgerRow: ledgerRow ?? ""))
                case .extend: action = .requestExtension(reason: reason)
                case .grant: action = .decideExtension(granted: true, newDeadline: deadline, reason: reason)
                case .refuse: action = .decideExtension(granted: false, newDeadline: nil, reason: reason)
                case .close: action = .close(reason: reason)
                case .returnForRework: action = .returnForRework(reason: reason)
                case .reopen:
                    guard let deadline else { throw ValidationError("reopen needs --deadline") }
                    action = .reopen(reason: reason, newDeadline: deadline)
                }
                // Each file is checked by its first bytes before anything is stored.
                let carried = try files.map { path in
                    let bytes = [UInt8](try LocalFile.read(path, limit: CaseAttachment.maxSize))
                    guard let file = AppDatabase.CaseFile(bytes: bytes, name: path, on: day, by: actor.by) else {
                        throw CommandFailure(message: "\(path): not a PDF, JPEG, PNG or XLSX file (told by its content, not its name)")
                    }
                    return file
                }
                let after = try await global.makeMonitor(requiringRules: false).act(
                    on: id, action, by: actor.actor, today: day, seenVersion: version, files: carried)
                print("督办件 \(after.id)：\(action.label)，现为\(after.state.label)，办理期限 \(after.deadline)，版本 \(after.version)")
            }
        }
    }
}
