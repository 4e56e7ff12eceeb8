import ArgumentParser
import Foundation
import Model
import Store
import Web

extension WageWatch {
    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the web UI's accounts (账号).",
            subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPassword.self, Unlock.self, Delete.self])

        /// The account a change is for, and the store.
        struct Target: ParsableArguments {
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The account's name.") var name: String

            /// Makes the change, audited as the operator `命令行`, and says what was done.
            func apply(_ change: AppDatabase.AccountChange, done: String) async throws {
                try await global.openExisting().change(account: name, change, by: "命令行", now: Date())
                print(done)
            }
        }

        struct Disable: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Stop an account: it cannot sign in, and its sessions end.")
            @OptionGroup var account: Target
            func run() async throws { try await account.apply(.disable, done: "已停用账号 \(account.name)") }
        }

        struct Enable: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Let a stopped account sign in again.")
            @OptionGroup var account: Target
            func run() async throws { try await account.apply(.enable, done: "已启用账号 \(account.name)") }
        }

        struct ResetPassword: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "reset-password",
                abstract: "Give an account a new password, read from standard input; its sessions end.")
            @OptionGroup var account: Target
            func run() async throws {
                let password = try PasswordInput.read(prompt: "\(account.name) 的新密码 (new password): ")
                try await account.apply(.password(hash: try Passwords.hash(password)), done: "已重设账号 \(account.name) 的密码")
            }
        }

        struct Unlock: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Forget an account's failed logins, so that it may sign in again at once (a block by address stays).")
            @OptionGroup var account: Target
            func run() async throws {
                try await account.apply(.unlock(throttleKey: WebApp.throttleKey(account.name)), done: "已解除账号 \(account.name) 的登录锁定")
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove an account and its sessions; the audit log keeps its lines.")
            @OptionGroup var account: Target
            func run() async throws { try await account.apply(.delete, done: "已删除账号 \(account.name)") }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add an account; its password is read from standard input (not echoed at a terminal).")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The account's name: letters, digits, '.', '_' or '-', up to 64.")
            var name: String

            @Option(
                help: """
                    Its role: petition (信访局), cyberspace (网信办), leader (领导), admin (管理员), wage_office (治欠办), \
                    department (责任单位, with --department or --township) or province (省级, on a node serving a province).
                    """
            )
            var role: Role

            @Option(help: "The department (主管部门) a department account answers for.")
            var department: String?

            @Option(help: "The township (乡镇) a department account answers for.")
            var township: String?

            func validate() throws {
                let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
                guard (1...64).contains(name.count), name.unicodeScalars.allSatisfy(allowed.contains) else {
                    throw ValidationError("账号名只能含字母、数字、'.'、'_'、'-'，最长 64 (bad account name)")
                }
                let units = [department, township].compactMap { $0 }.count
                if role == .department {
                    guard units == 1 else { throw ValidationError("责任单位账号须指定 --department 或 --township 之一") }
                } else if units > 0 {
                    throw ValidationError("只有责任单位账号（--role department）绑定主管部门或乡镇")
                }
            }

            func run() async throws {
                let database = try global.openExisting()
                let unit =
                    department.map { SupervisionCase.Unit(kind: .department, name: $0) }
                    ?? township.map { SupervisionCase.Unit(kind: .township, name: $0) }
                if let unit {
                    // The unit must be one the registry knows, as a case's is.
                    let projects = try await database.projects()
                    let known = unit.kind == .department ? Set(projects.map(\.department)) : Set(projects.compactMap(\.township))
                    guard known.contains(unit.name) else {
                        throw CommandFailure(message: "登记册中没有\(unit.kind == .department ? "主管部门" : "乡镇")“\(unit.name)”")
                    }
                }
                let password = try PasswordInput.read(prompt: "\(name) 的密码 (password): ")
                let hash = try Passwords.hash(password)
                try await database.addAccount(Account(name: name, role: role, createdAt: Date(), unit: unit), passwordHash: hash)
                print("已添加账号 \(name)（\(role.label)\(unit.map { "，\($0.name)" } ?? "")）")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the accounts and their roles.")

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let accounts = try await global.openReadOnly().accounts()
                let rows = accounts.map {
                    [
                        $0.name, "\($0.role.rawValue) \($0.role.label)" + ($0.unit.map { " \($0.name)" } ?? ""), "\($0.createdAt)",
                        $0.disabledAt.map { "已停用 \($0)" } ?? "可用",
                    ]
                }
                print(TextTable(header: ["账号", "角色", "创建时间", "状态"], rows: rows).lines().joined(separator: "\n"))
            }
        }
    }
}

extension Role: ExpressibleByArgument {}

/// A password from standard input: one line, without its line ending; at a terminal, the
/// prompt goes to standard error and what is typed is not echoed.
enum PasswordInput {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "标准输入没有密码 (no password on standard input)" }
    }

    static func read(prompt: String) throws -> String {
        let terminal = isatty(STDIN_FILENO) == 1
        var saved = termios()
        if terminal {
            FileHandle.standardError.write(Data(prompt.utf8))
            tcgetattr(STDIN_FILENO, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer {
            if terminal {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        guard let line = readLine(strippingNewline: true) else { throw Missing() }
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }
}
