import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Model
import Monitor
import Register
import ServiceLifecycle
import UnixSignals
import Web

extension WageWatch {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the web UI (审核队列, 风险日报, 部门排名 ...) on the store the other commands use.",
            discussion: """
                Pages are server-rendered HTML in Chinese, each with a JSON twin under /api/. Create \
                accounts first with `wagewatch user add NAME --role R`. The session cookie is Secure: \
                browsers send it over HTTPS, and over plain HTTP to localhost/127.0.0.1 only, so serve \
                other hosts behind a TLS proxy. The register is kept in memory and made again when the \
                store changes (another process's commit, a review decision) or the day turns. With \
                --watch, this process also polls the feeds (as `wagewatch watch`). Ctrl-C or SIGTERM \
                stops it gracefully.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "The address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on (0: any free port, printed at start).")
        var port = 8080

        @Option(help: "The day the register is for, YYYY-MM-DD (default: today, Asia/Shanghai).")
        var asOf: Day?

        @Flag(help: "Also poll the feeds in this process, as `wagewatch watch` does.")
        var watch = false

        @Option(help: "How often a feed without an interval of its own is asked, in seconds (with --watch).")
        var interval: Double = 900

        @Option(help: "How often the store is checked for changes, in seconds.")
        var refresh: Double = 5

        @Option(help: "How many page contents to keep (0: none; for measuring what a page costs to make).")
        var pageCache = 2_000

        @Option(
            help: """
                Serve the province's pages (全省汇总, 全省日报; role province) over the cities of this file, each \
                city's store only read; --database is then the province's own store, for its accounts.
                """)
        var province: String?

        @Option(help: "The address of a reverse proxy in front: its X-Forwarded-For names the browser (for the login throttle).")
        var trustedProxy: String?

        @Option(help: "Who issues the printed briefs (编制单位 in their head).")
        var issuer = DailyPrint.defaultIssuer

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
            guard pageCache >= 0 else { throw ValidationError("--page-cache must be 0 or more") }
            guard refresh >= 0.5 else { throw ValidationError("--refresh must be at least 0.5 seconds") }
            guard interval >= 1 else { throw ValidationError("--interval must be at least 1 second") }
        }

        func run() async throws {
            let monitor = try global.makeMonitor()
            let pinned = asOf
            let keeper = SnapshotKeeper(monitor: monitor, asOf: { pinned ?? Day(containing: Date()) })
            var settings = WebApp.Settings()
            settings.trustedProxy = trustedProxy
            settings.pageCacheEntries = pageCache
            settings.issuer = issuer
            let web = try WebApp(
                monitor: monitor, keeper: keeper, settings: settings, fold: try Monitor.searchFold(),
                province: try provinceKeeper(logger: monitor.logger, asOf: { pinned ?? Day(containing: Date()) }))
            let host = self.host
            let app = Application(
                router: web.makeRouter(),
                // The trusted proxy speaks for every browser: no per-address share for it.
                server: WebServer.http1(exempt: Set([trustedProxy].compactMap { $0 })),
                configuration: .init(address: .hostname(host, port: port), serverName: nil),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? 0
                    print("wagewatch serve: http://\(host):\(port)/ (Ctrl-C stops)")
                    fflush(nil)
                },
                logger: monitor.logger)
            let interval = self.interval
            let refresh = self.refresh
            // The server, the upkeep of the search index and the kept register, and with
            // --watch the feed watch: one group, stopped gracefully by SIGTERM or SIGINT
            // (the server finishes the requests in flight, the watch its cycle).
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: app),
                .init(service: WebMaintenanceService(web: web, every: .milliseconds(Int(refresh * 1000)))),
            ]
            if watch {
                services.append(
                    .init(
                        service: WatchService(
                            monitor: monitor, defaultInterval: interval, windowDays: nil, progress: nil,
                            failed: { monitor.logger.error("feed round failed: \($0)") },
                            report: { _ in keeper.refreshLater() })))
            }
            let escalation = SecondSignalExit()
            let group = ServiceGroup(
                configuration: .init(
                    services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: monitor.logger))
            try await group.run()
            _ = escalation
            print("wagewatch serve: stopped")
        }

        /// The cities of `--province`, each store opened to read only (one that cannot be
        /// opened is shown as such on the pages, and logged).
        func provinceKeeper(logger: Logger, asOf: @escaping @Sendable () -> Day) throws -> ProvinceKeeper? {
            guard let province else { return nil }
            let config = try WageWatch.ProvinceOptions.config(at: province)
            let monitors = try WageWatch.ProvinceOptions.cityMonitors(config, rules: global.rules, feeds: global.feeds)
            let cities = zip(config.cities, monitors).map { city, opened in
                switch opened {
                case .success(let monitor): return ProvinceKeeper.City(code: city.code, name: city.name, monitor: monitor)
                case .failure(let error):
                    logger.error("province: the store of city \(city.code) could not be opened: \(error)")
                    return ProvinceKeeper.City(code: city.code, name: city.name, monitor: nil, openFailure: "\(error)")
                }
            }
            return ProvinceKeeper(province: config.name, cities: cities, logger: logger, asOf: asOf)
        }
    }
}
